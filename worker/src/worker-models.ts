import { statSync } from 'node:fs';
import {
  createEncoder,
  type InputEncoder,
  ModelCatalog,
  type ModelEntry,
  ModelLoadError,
  type ModelManifest,
  parseModelRef,
  SwitchboardError,
} from '@switchboard/core';
import { type ClassifierOptions, OnnxClassifier } from '@switchboard/core/inference';
import { fastestRunMs, PROBE_TEXT } from './batching-profile.js';
import { InferenceThread } from './inference-thread.js';
import { WorkerModel } from './worker-model.js';

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
  /** Models whose default version is loaded ahead of jobs; empty or absent: every model. */
  readonly preload?: readonly string[];
}

/** A job's hold on a model version; `release` once the job is done with it. */
export interface ModelLease {
  readonly model: WorkerModel;
  release(): void;
}

/** A version that could not be loaded, with the file at fault. */
export interface LoadFailure {
  readonly ref: string;
  readonly file: string;
  readonly error: string;
  readonly at: number;
}

/** What one model looks like from this process (heartbeat, dashboard). */
export interface LoadedModelView {
  readonly name: string;
  /** The version a bare name runs on here. */
  readonly default: string | undefined;
  /** Versions with a session in this process. */
  readonly loaded: readonly string[];
  /** Versions in the repository. */
  readonly versions: readonly string[];
}

/** What changed in one {@link WorkerModels.refresh}. */
export interface ReloadReport {
  readonly added: readonly string[];
  readonly replaced: readonly string[];
  readonly removed: readonly string[];
  readonly failed: readonly LoadFailure[];
}

interface Slot {
  readonly manifest: ModelManifest;
  readonly stamp: string;
  readonly model: Promise<WorkerModel>;
}

/** Files whose change means a version folder was replaced. */
function stampOf(m: ModelManifest): string {
  try {
    const s = statSync(m.onnxPath);
    const c = statSync(`${m.dir}/config.json`);
    return `${m.onnxPath}:${s.size}:${s.mtimeMs}:${s.ino}:${c.mtimeMs}:${c.ino}`;
  } catch {
    return 'gone';
  }
}

/**
 * The models of one worker process. Versions are loaded on first use, and the default version of
 * each model (the one a bare name runs on) ahead of time. {@link refresh} (called every
 * `SWITCHBOARD_MODEL_POLL_MS`) reads the repository again: a new default is loaded and checked
 * before any job is routed to it; a version replaced or removed stops taking jobs, finishes the
 * jobs holding it, then releases its session; a folder that fails to load is reported and the
 * versions already serving keep serving.
 *
 * onnxruntime-node runs a session synchronously on the calling thread: a cheap model (the default
 * ones: a fraction of a ms a run) runs on the main thread, where a hop to another thread would cost
 * more than the run (side by side on a quiet machine: 2,578–3,477 texts/s inline against
 * 2,273–2,678 threaded); a costly one (a transformer: 10+ ms) runs in one shared
 * {@link InferenceThread}, so that the process keeps fetching and completing jobs meanwhile. If
 * that thread dies, the next `get` of one of its models starts a new thread and loads the model
 * again; runs in flight fail and their jobs are retried.
 */
export class WorkerModels {
  readonly catalog: ModelCatalog;
  private readonly classifierOptions: ClassifierOptions;
  private readonly mode: 'auto' | 'always' | 'never';
  private readonly preload: readonly string[];
  /** Loaded (or loading) versions by `name@version`. */
  private readonly slots = new Map<string, Slot>();
  /** Bare name → the `name@version` it runs on. */
  private readonly routes = new Map<string, string>();
  /** Every version of the last read, by `name@version`. */
  private known = new Map<string, ModelManifest>();
  private entries: ModelEntry[] = [];
  private readonly failures = new Map<string, LoadFailure>();
  private readonly failedStamps = new Map<string, string>();
  private readonly inThread = new Set<string>();
  private thread: InferenceThread | undefined;
  private instances = 0;
  private refreshing: Promise<ReloadReport> | undefined;
  private lastRefresh = 0;
  private closed = false;

  constructor(root: string, options: WorkerModelsOptions = {}) {
    this.catalog = new ModelCatalog(root);
    this.classifierOptions = options.classifier ?? {};
    this.mode = options.inferenceThread ?? 'auto';
    this.preload = options.preload ?? [];
  }

  /** When the repository was last read (ms since the epoch; 0: never). */
  get lastReload(): number {
    return this.lastRefresh;
  }

  /** Versions that failed to load and were skipped, newest failure per version. */
  get loadFailures(): LoadFailure[] {
    return [...this.failures.values()];
  }

  /** Each model of the last read: its default here, the versions loaded and the versions there are. */
  view(): LoadedModelView[] {
    return this.entries.map((e) => ({
      name: e.name,
      default: this.routes.get(e.name)?.slice(e.name.length + 1),
      loaded: [...this.slots.values()]
        .filter((s) => s.manifest.name === e.name)
        .map((s) => s.manifest.version),
      versions: e.versions.map((m) => m.version),
    }));
  }

  /**
   * The model a word names (`name`: the default version; `name@version`), loading it if needed.
   * @throws UnknownModelError or ModelLoadError
   */
  async get(word: string): Promise<WorkerModel> {
    this.replaceDeadThread();
    const { name, version } = parseModelRef(word);
    const ref = version === undefined ? this.routes.get(name) : word;
    const manifest = ref === undefined ? undefined : this.known.get(ref);
    // Not in the last read (added since, or unknown): the catalog decides, reading the disk.
    return this.slotFor(manifest ?? (await this.catalog.get(word))).model;
  }

  /** Holds the model of a word for one job (see {@link WorkerModel.retire}). */
  async acquire(word: string): Promise<ModelLease> {
    // A version retired between resolving and holding is skipped: the next get sees its successor.
    for (let attempt = 0; attempt < 5; attempt++) {
      const model = await this.get(word);
      if (model.tryAcquire()) return { model, release: () => model.releaseHold() };
    }
    throw new SwitchboardError(
      'inference_failed',
      `model ${word} is being replaced; the job will be retried`,
    );
  }

  /**
   * Reads the repository and brings this process in line with it (see the class comment).
   * Concurrent calls share one read.
   */
  refresh(): Promise<ReloadReport> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Releases every session and stops the inference thread. Safe to call more than once. */
  async close(): Promise<void> {
    this.closed = true;
    await this.refreshing?.catch(() => undefined);
    const all = [...this.slots.values()];
    this.slots.clear();
    const settled = await Promise.allSettled(all.map((s) => s.model));
    await Promise.allSettled(settled.map((s) => (s.status === 'fulfilled' ? s.value.retire() : undefined)));
    await this.thread?.close();
  }

  private async doRefresh(): Promise<ReloadReport> {
    const entries = await this.catalog.entries();
    const known = new Map<string, ModelManifest>();
    for (const e of entries) for (const m of e.versions) known.set(m.ref, m);
    const added: string[] = [];
    const replaced: string[] = [];
    const removed: string[] = [];
    const failed: LoadFailure[] = [];

    // From here on, no job resolves to a version that is gone: a bare name whose version vanished
    // is resolved from the disk until its new default is in place below.
    this.known = known;
    for (const [name, ref] of [...this.routes]) if (!known.has(ref)) this.routes.delete(name);

    // Versions loaded here whose folder is gone or was replaced: the old session drains.
    for (const [ref, slot] of [...this.slots]) {
      const now = known.get(ref);
      if (now && stampOf(now) === slot.stamp) continue;
      if (!now) removed.push(ref);
      this.slots.delete(ref);
      void slot.model.then((m) => m.retire()).catch(() => undefined);
      if (now) {
        replaced.push(ref);
        // A replacement that fails to load leaves the version unserved, not half-served.
        await this.slotFor(now).model.catch((err: unknown) => failed.push(this.failure(now, err)));
      }
    }

    // Defaults: loaded and checked before a bare name is routed to them.
    for (const e of entries) {
      const wanted = this.preload.length === 0 || this.preload.includes(e.name);
      const target = e.versions.find((m) => m.version === e.defaultVersion);
      const current = this.routes.get(e.name);
      if (!target) continue;
      if (current === target.ref && this.slots.has(target.ref)) continue;
      if (!wanted && current === undefined) continue;
      // The default first; when it fails to load, what served so far keeps serving, and with
      // nothing serving yet (start-up, a removed default) the newest version that loads.
      const fallbacks = current !== undefined ? [] : e.versions.filter((m) => m !== target).reverse();
      for (const candidate of [target, ...fallbacks]) {
        // A folder that failed and has not changed since is not loaded again at every poll.
        if (this.failedStamps.get(candidate.ref) === stampOf(candidate)) continue;
        try {
          await this.slotFor(candidate).model;
          this.routes.set(e.name, candidate.ref);
          this.failures.delete(candidate.ref);
          this.failedStamps.delete(candidate.ref);
          if (current !== candidate.ref) added.push(candidate.ref);
          break;
        } catch (err) {
          failed.push(this.failure(candidate, err));
        }
      }
    }
    for (const name of [...this.routes.keys()]) {
      if (!entries.some((e) => e.name === name)) this.routes.delete(name);
    }
    for (const e of entries) for (const b of e.broken) failed.push(this.brokenFailure(b.name, b.error));
    this.entries = entries;
    this.lastRefresh = Date.now();
    return { added, replaced, removed, failed };
  }

  private failure(manifest: ModelManifest, err: unknown): LoadFailure {
    this.failedStamps.set(manifest.ref, stampOf(manifest));
    const file = err instanceof ModelLoadError ? err.file : manifest.onnxPath;
    const failure = { ref: manifest.ref, file, error: (err as Error).message, at: Date.now() };
    this.failures.set(manifest.ref, failure);
    return failure;
  }

  private brokenFailure(ref: string, err: ModelLoadError): LoadFailure {
    const previous = this.failures.get(ref);
    if (previous?.error === err.message) return previous;
    const failure = { ref, file: err.file, error: err.message, at: Date.now() };
    this.failures.set(ref, failure);
    return failure;
  }

  private slotFor(manifest: ModelManifest): Slot {
    const existing = this.slots.get(manifest.ref);
    if (existing) return existing;
    const slot: Slot = { manifest, stamp: stampOf(manifest), model: this.load(manifest) };
    this.slots.set(manifest.ref, slot);
    // A failed load is not kept: the folder may be fixed while the process runs.
    slot.model.catch(() => {
      if (this.slots.get(manifest.ref) === slot) this.slots.delete(manifest.ref);
    });
    return slot;
  }

  private replaceDeadThread(): void {
    if (!this.thread || this.thread.alive || this.closed) return;
    void this.thread.close();
    this.thread = undefined;
    for (const [ref, slot] of [...this.slots]) {
      if (this.inThread.has(slot.manifest.ref)) this.slots.delete(ref);
    }
    this.inThread.clear();
  }

  // Under `auto` a model is loaded in the thread first and timed there; only a cheap one (small,
  // as a rule) is then loaded a second time on the main thread and released in the thread, so a
  // big model is never held twice.
  private async load(manifest: ModelManifest): Promise<WorkerModel> {
    if (this.mode === 'never') return this.inlineModel(manifest);
    const key = `${manifest.ref}#${this.instances++}`;
    const threaded = await this.inThreadModel(manifest, key, await createEncoder(manifest));
    if (this.mode === 'always') return threaded;
    // The time includes the hop to the thread (about 0.1 ms), which the threshold leaves room for.
    if ((await fastestRunMs(threaded, threaded.encode([PROBE_TEXT]), 3)) > INLINE_MAX_MS) return threaded;
    const inline = await this.inlineModel(manifest);
    await threaded.retire();
    return inline;
  }

  private async inlineModel(manifest: ModelManifest): Promise<WorkerModel> {
    const local = await OnnxClassifier.load(manifest, this.classifierOptions);
    return new WorkerModel(
      manifest,
      local.encoder,
      'inline',
      (batch) => local.run(batch),
      () => local.close(),
    );
  }

  private async inThreadModel(
    manifest: ModelManifest,
    key: string,
    encoder: InputEncoder,
  ): Promise<WorkerModel> {
    this.thread ??= new InferenceThread(this.classifierOptions);
    const thread = this.thread;
    await thread.load(key, manifest);
    this.inThread.add(manifest.ref);
    return new WorkerModel(
      manifest,
      encoder,
      'thread',
      (batch) => thread.run(key, batch),
      async () => {
        if (thread.alive) await thread.unload(key).catch(() => undefined);
      },
    );
  }
}
