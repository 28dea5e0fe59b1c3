import { Worker } from 'node:worker_threads';
import {
  type EncodedText,
  type ModelManifest,
  SwitchboardError,
  type TextClassification,
} from '@switchboard/core';
import type { ClassifierOptions } from '@switchboard/core/inference';
import { fromWire, type InferenceReply, type InferenceThreadData } from './inference-protocol.js';

const ENTRY = new URL('./inference-thread-main.js', import.meta.url);

interface Waiter {
  readonly resolve: (reply: InferenceReply & { ok: true }) => void;
  readonly reject: (err: SwitchboardError) => void;
}

/**
 * A worker thread holding onnxruntime sessions, driven by messages. onnxruntime-node runs a
 * session synchronously on the thread that calls it; with the sessions here, a worker process keeps
 * fetching and completing jobs during a run instead of freezing for its whole length.
 */
export class InferenceThread {
  private readonly thread: Worker;
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  private ended: SwitchboardError | undefined;
  private closing: Promise<void> | undefined;
  private readonly exited: Promise<void>;

  constructor(options: ClassifierOptions) {
    const data: InferenceThreadData = { options };
    this.thread = new Worker(ENTRY, { workerData: data, name: 'switchboard-inference' });
    this.thread.on('message', (reply: InferenceReply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (reply.ok) waiter.resolve(reply);
      else waiter.reject(fromWire(reply.error));
    });
    this.thread.on('error', (err) => this.end(`the inference thread failed: ${err.message}`));
    this.exited = new Promise((resolve) => {
      this.thread.once('exit', (code) => {
        this.end(`the inference thread exited (code ${code})`);
        resolve();
      });
    });
  }

  /** False once the thread has failed, exited or been closed; it is then replaced, not reused. */
  get alive(): boolean {
    return this.ended === undefined;
  }

  /**
   * Loads a model's session in the thread under `key` (once per key); rejects with its
   * ModelLoadError. Two keys may hold two sessions of one version while one replaces the other.
   */
  async load(key: string, manifest: ModelManifest): Promise<void> {
    await this.call({ type: 'load', key, manifest });
  }

  /** Releases the session of `key` in the thread. */
  async unload(key: string): Promise<void> {
    await this.call({ type: 'unload', model: key });
  }

  /** One onnxruntime run over already-encoded texts of a loaded model. */
  async run(model: string, batch: readonly EncodedText[]): Promise<TextClassification[]> {
    const reply = await this.call({ type: 'run', model, batch });
    return reply.results ?? [];
  }

  /**
   * Stops the thread: calls still waiting reject at once, the thread finishes the run it is in,
   * releases its sessions and ends (terminated after `graceMs` if it does not). Safe to call more
   * than once.
   */
  close(graceMs = 5_000): Promise<void> {
    this.closing ??= (async () => {
      const exited = this.exited;
      const wasAlive = this.alive;
      this.end('the inference thread is closed');
      if (!wasAlive) {
        await this.thread.terminate();
        return;
      }
      this.thread.postMessage({ type: 'close' });
      let timer: NodeJS.Timeout | undefined;
      const graceful = await Promise.race([
        exited.then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (!graceful) await this.thread.terminate();
    })();
    return this.closing;
  }

  private call(
    request:
      | { type: 'load'; key: string; manifest: ModelManifest }
      | { type: 'unload'; model: string }
      | { type: 'run'; model: string; batch: readonly EncodedText[] },
  ): Promise<InferenceReply & { ok: true }> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.thread.postMessage({ ...request, id });
    });
  }

  private end(reason: string): void {
    this.ended ??= new SwitchboardError('inference_failed', reason);
    for (const waiter of this.waiting.values()) waiter.reject(this.ended);
    this.waiting.clear();
  }
}
