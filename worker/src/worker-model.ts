import type { EncodedText, InputEncoder, ModelManifest, TextClassification } from '@switchboard/core';

/** Where a model's onnxruntime runs happen. */
export type Placement = 'inline' | 'thread';

/**
 * One loaded version of a model as the worker uses it: encoded on the main thread, run where it
 * was placed. Jobs hold it while they use it, so that a version being replaced or removed finishes
 * the jobs in flight on its session before the session is released.
 */
export class WorkerModel {
  readonly manifest: ModelManifest;
  /** Where its runs happen. */
  readonly placement: Placement;
  /** When it finished loading (ms since the epoch). */
  readonly loadedAt = Date.now();
  private readonly encoder: InputEncoder;
  private readonly runner: (batch: readonly EncodedText[]) => Promise<TextClassification[]>;
  private readonly release: () => Promise<void>;
  private held = 0;
  private retired = false;
  private released: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  constructor(
    manifest: ModelManifest,
    encoder: InputEncoder,
    placement: Placement,
    runner: (batch: readonly EncodedText[]) => Promise<TextClassification[]>,
    release: () => Promise<void>,
  ) {
    this.manifest = manifest;
    this.encoder = encoder;
    this.placement = placement;
    this.runner = runner;
    this.release = release;
  }

  /** Jobs holding it now. */
  get inFlight(): number {
    return this.held;
  }

  /** Encodes texts on the calling thread (the batcher needs their token counts). */
  encode(texts: readonly string[]): EncodedText[] {
    return texts.map((t) => this.encoder.encode(t));
  }

  /** One onnxruntime run over already-encoded texts. */
  run(batch: readonly EncodedText[]): Promise<TextClassification[]> {
    return this.runner(batch);
  }

  /** Holds it for one job; false once it is retired (the caller then asks for the current version). */
  tryAcquire(): boolean {
    if (this.retired) return false;
    this.held++;
    return true;
  }

  /** Ends one job's hold. */
  releaseHold(): void {
    this.held = Math.max(0, this.held - 1);
    if (this.held === 0) this.drained?.();
  }

  /**
   * Takes no more jobs, waits for the jobs holding it, then releases its session. Safe to call more
   * than once.
   */
  retire(): Promise<void> {
    this.retired = true;
    this.released ??= (async () => {
      if (this.held > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      await this.release();
    })();
    return this.released;
  }
}
