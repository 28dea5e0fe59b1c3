import {
  createEncoder,
  type EncodedText,
  type InputEncoder,
  ModelCatalog,
  type ModelManifest,
  type TextClassification,
} from '@switchboard/core';
import { type ClassifierOptions, OnnxClassifier } from '@switchboard/core/inference';
import { fastestRunMs, PROBE_TEXT } from './batching-profile.js';
import { InferenceThread } from './inference-thread.js';

/** Where a model's onnxruntime runs happen. */
export type Placement = 'inline' | 'thread';

/**
 * A run this short may hold the main thread: fetching and completing jobs wait no longer than a
 * Redis round trip. A longer one goes to the inference thread.
 */
export const INLINE_MAX_MS = 1;

/** Options of {@link WorkerModels}. */
export interface WorkerModelsOptions {
  /** onnxruntime session settings. */
  readonly classifier?: ClassifierOptions;
  /**
   * `auto` (default): on the main thread when one short text runs within {@link INLINE_MAX_MS}
   * there, else in the inference thread; `always` / `never`: every model in / out of the thread.
   */
  readonly inferenceThread?: 'auto' | 'always' | 'never';
}

/** A model as the worker uses it: encoded on the main thread, run where it was placed. */
export class WorkerModel {
  readonly manifest: ModelManifest;
  /** Where its runs happen. */
  readonly placement: Placement;
  private readonly encoder: InputEncoder;
  private readonly runner: (batch: readonly EncodedText[]) => Promise<TextClassification[]>;

  constructor(
    manifest: ModelManifest,
    encoder: InputEncoder,
    placement: Placement,
    runner: (batch: readonly EncodedText[]) => Promise<TextClassification[]>,
  ) {
    this.manifest = manifest;
    this.encoder = encoder;
    this.placement = placement;
    this.runner = runner;
  }

  /** Encodes texts on the calling thread (the batcher needs their token counts). */
  encode(texts: readonly string[]): EncodedText[] {
    return texts.map((t) => this.encoder.encode(t));
  }

  /** One onnxruntime run over already-encoded texts. */
  run(batch: readonly EncodedText[]): Promise<TextClassification[]> {
    return this.runner(batch);
  }
}

/**
 * The models of one worker process, loaded on first use. onnxruntime-node runs a session
 * synchronously on the calling thread: a cheap model (the default ones: a fraction of a ms a run)
 * runs on the main thread, where a hop to another thread would cost more than the run (side by
 * side on a quiet machine: 2,578–3,477 texts/s inline against 2,273–2,678 threaded); a costly one
 * (a transformer: 10+ ms) runs in one shared {@link InferenceThread}, so that the process keeps
 * fetching and completing jobs meanwhile. If that thread dies, the next `get` of one of its models
 * starts a new thread and loads the model again; runs in flight fail and their jobs are retried.
 */
export class WorkerModels {
  readonly catalog: ModelCatalog;
  private readonly classifierOptions: ClassifierOptions;
  private readonly mode: 'auto' | 'always' | 'never';
  private readonly loading = new Map<string, Promise<WorkerModel>>();
  private readonly inline = new Set<OnnxClassifier>();
  private readonly inThread = new Set<string>();
  private thread: InferenceThread | undefined;
  private closed = false;

  constructor(root: string, options: WorkerModelsOptions = {}) {
    this.catalog = new ModelCatalog(root);
    this.classifierOptions = options.classifier ?? {};
    this.mode = options.inferenceThread ?? 'auto';
  }

  /** The model of a name; loads it on first call. */
  get(name: string): Promise<WorkerModel> {
    if (this.thread && !this.thread.alive && !this.closed) {
      void this.thread.close();
      this.thread = undefined;
      for (const lost of this.inThread) this.loading.delete(lost);
      this.inThread.clear();
    }
    let pending = this.loading.get(name);
    if (!pending) {
      pending = this.catalog.get(name).then((manifest) => this.load(manifest));
      this.loading.set(name, pending);
      // A failed load is not cached: the folder may be fixed while the process runs.
      pending.catch(() => this.loading.delete(name));
    }
    return pending;
  }

  /** Releases every session and stops the inference thread. Safe to call more than once. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.loading.values()];
    this.loading.clear();
    await Promise.allSettled(all);
    await Promise.all([...this.inline].map((c) => c.close()));
    this.inline.clear();
    await this.thread?.close();
  }

  // Under `auto` a model is loaded in the thread first and timed there; only a cheap one (small,
  // as a rule) is then loaded a second time on the main thread and released in the thread, so a
  // big model is never held twice.
  private async load(manifest: ModelManifest): Promise<WorkerModel> {
    if (this.mode === 'never') return this.inlineModel(manifest);
    const threaded = await this.inThreadModel(manifest, await createEncoder(manifest));
    if (this.mode === 'always') return threaded;
    // The time includes the hop to the thread (about 0.1 ms), which the threshold leaves room for.
    if ((await fastestRunMs(threaded, threaded.encode([PROBE_TEXT]), 3)) > INLINE_MAX_MS) return threaded;
    const inline = await this.inlineModel(manifest);
    this.inThread.delete(manifest.name);
    await this.thread?.unload(manifest.name);
    return inline;
  }

  private async inlineModel(manifest: ModelManifest): Promise<WorkerModel> {
    const local = await OnnxClassifier.load(manifest, this.classifierOptions);
    this.inline.add(local);
    return new WorkerModel(manifest, local.encoder, 'inline', (batch) => local.run(batch));
  }

  private async inThreadModel(manifest: ModelManifest, encoder: InputEncoder): Promise<WorkerModel> {
    this.thread ??= new InferenceThread(this.classifierOptions);
    const thread = this.thread;
    await thread.load(manifest);
    this.inThread.add(manifest.name);
    return new WorkerModel(manifest, encoder, 'thread', (batch) => thread.run(manifest.name, batch));
  }
}
