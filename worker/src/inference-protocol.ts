import {
  type EncodedText,
  ModelLoadError,
  type ModelManifest,
  SwitchboardError,
  type SwitchboardErrorCode,
  type TextClassification,
} from '@switchboard/core';
import type { ClassifierOptions } from '@switchboard/core/inference';

/** Main thread → inference thread. */
export type InferenceRequest =
  | { readonly type: 'load'; readonly id: number; readonly key: string; readonly manifest: ModelManifest }
  | { readonly type: 'close' }
  | { readonly type: 'unload'; readonly id: number; readonly model: string }
  | {
      readonly type: 'run';
      readonly id: number;
      readonly model: string;
      readonly batch: readonly EncodedText[];
    };

/** Inference thread → main thread: the answer to the request with the same `id`. */
export type InferenceReply =
  | { readonly id: number; readonly ok: true; readonly results?: TextClassification[] }
  | { readonly id: number; readonly ok: false; readonly error: WireError };

/** What the inference thread is started with. */
export interface InferenceThreadData {
  readonly options: ClassifierOptions;
}

/** An error as it crosses the thread boundary (structured clone keeps no class). */
export interface WireError {
  readonly code: string;
  readonly message: string;
  /** Set for {@link ModelLoadError}: the file at fault. */
  readonly file?: string;
}

/** Flattens an error for postMessage. */
export function toWire(err: unknown): WireError {
  if (err instanceof ModelLoadError) return { code: err.code, message: err.message, file: err.file };
  if (err instanceof SwitchboardError) return { code: err.code, message: err.message };
  return { code: 'inference_failed', message: String((err as Error)?.message ?? err) };
}

/**
 * Rebuilds the error class on the main thread, because the job processor decides between retrying
 * and failing at once by class (a broken model folder is final, a failed run may be retried).
 */
export function fromWire(wire: WireError): SwitchboardError {
  if (wire.file !== undefined) {
    const prefix = `${wire.file}: `;
    const problem = wire.message.startsWith(prefix) ? wire.message.slice(prefix.length) : wire.message;
    return new ModelLoadError(wire.file, problem);
  }
  return new SwitchboardError(wire.code as SwitchboardErrorCode, wire.message);
}
