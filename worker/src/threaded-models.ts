import {
  createEncoder,
  type EncodedText,
  type InputEncoder,
  ModelCatalog,
  type ModelManifest,
  type TextClassification,
} from '@switchboard/core';
import type { ClassifierOptions } from '@switchboard/core/inference';
import { InferenceThread } from './inference-thread.js';

/** A model as the worker uses it: encoded on the main thread, run in the inference thread. */
export class ThreadedModel {
  readonly manifest: ModelManifest;
  private readonly encoder: InputEncoder;
  private readonly thread: InferenceThread;

  constructor(manifest: ModelManifest, encoder: InputEncoder, thread: InferenceThread) {
    this.manifest = manifest;
    this.encoder = encoder;
    this.thread = thread;
  }

  /** Encodes texts on the calling thread (the batcher needs their token counts). */
  encode(texts: readonly string[]): EncodedText[] {
    return texts.map((t) => this.encoder.encode(t));
  }

  /** One onnxruntime run in the inference thread. */
  run(batch: readonly EncodedText[]): Promise<TextClassification[]> {
    return this.thread.run(this.manifest.name, batch);
  }
}

/**
 * The models of one worker process, loaded on first use: metadata and encoders on the main thread,
 * onnxruntime sessions in one {@link InferenceThread}. If that thread dies, the next `get` starts a
 * new one and loads the models into it again; runs in flight fail and their jobs are retried.
 */
export class ThreadedModels {
  readonly catalog: ModelCatalog;
  private readonly options: ClassifierOptions;
  private thread: InferenceThread | undefined;
  private readonly loading = new Map<string, Promise<ThreadedModel>>();
  private closed = false;

  constructor(root: string, options: ClassifierOptions = {}) {
    this.catalog = new ModelCatalog(root);
    this.options = options;
  }

  /** The model of a name; loads it on first call. */
  get(name: string): Promise<ThreadedModel> {
    if (this.thread && !this.thread.alive && !this.closed) {
      void this.thread.close();
      this.thread = undefined;
      this.loading.clear();
    }
    let pending = this.loading.get(name);
    if (!pending) {
      this.thread ??= new InferenceThread(this.options);
      const thread = this.thread;
      pending = this.catalog.get(name).then(async (manifest) => {
        const encoder = await createEncoder(manifest);
        await thread.load(manifest);
        return new ThreadedModel(manifest, encoder, thread);
      });
      this.loading.set(name, pending);
      // A failed load is not cached: the folder may be fixed while the process runs.
      pending.catch(() => this.loading.delete(name));
    }
    return pending;
  }

  /** Stops the inference thread. Safe to call more than once. */
  async close(): Promise<void> {
    this.closed = true;
    this.loading.clear();
    await this.thread?.close();
  }
}
