import {
  createEncoder,
  type EncodedText,
  type InputEncoder,
  ModelCatalog,
  type ModelManifest,
  type TextClassification,
} from '@switchboard/core';
import { type ClassifierOptions, OnnxClassifier } from '@switchboard/core/inference';
import { InferenceThread } from './inference-thread.js';

/** Where a model's onnxruntime runs happen. */
export type Placement = 'inline' | 'thread';

/** Options of {@link WorkerModels}. */
export interface WorkerModelsOptions {
  /** onnxruntime session settings. */
  readonly classifier?: ClassifierOptions;
  /**
   * Run sessions in the inference thread (default) rather than on the main thread. The thread is
   * faster for every model measured, cheap ones too: the main thread encodes and talks to Redis
   * while the other runs the model (docs/performance.md).
   */
  readonly inferenceThread?: boolean;
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
 * synchronously on the calling thread, so the sessions live in one shared {@link InferenceThread}:
 * the process keeps fetching, encoding and completing jobs while a run is in flight. If that
 * thread dies, the next `get` of one of its models starts a new thread and loads the model again;
 * runs in flight fail and their jobs are retried.
 */
export class WorkerModels {
  readonly catalog: ModelCatalog;
  private readonly classifierOptions: ClassifierOptions;
  private readonly useThread: boolean;
  private readonly loading = new Map<string, Promise<WorkerModel>>();
  private readonly inline = new Set<OnnxClassifier>();
  private readonly inThread = new Set<string>();
  private thread: InferenceThread | undefined;
  private closed = false;

  constructor(root: string, options: WorkerModelsOptions = {}) {
    this.catalog = new ModelCatalog(root);
    this.classifierOptions = options.classifier ?? {};
    this.useThread = options.inferenceThread ?? true;
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

  private async load(manifest: ModelManifest): Promise<WorkerModel> {
    if (this.useThread) return this.inThreadModel(manifest, await createEncoder(manifest));
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
