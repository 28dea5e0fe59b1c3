import { UnknownModelError } from '../errors.js';
import { ModelCatalog } from '../model/model-catalog.js';
import { type ClassifierOptions, OnnxClassifier } from './onnx-classifier.js';

/**
 * Loads classifiers from a {@link ModelCatalog} on first use and keeps one onnxruntime session
 * per model version for the life of the process (workers, which reload, use their own registry).
 */
export class ModelRepository {
  readonly catalog: ModelCatalog;
  private readonly options: ClassifierOptions;
  private readonly loading = new Map<string, Promise<OnnxClassifier>>();

  constructor(root: string | ModelCatalog, options: ClassifierOptions = {}) {
    this.catalog = typeof root === 'string' ? new ModelCatalog(root) : root;
    this.options = options;
  }

  /** The classifier for `name` (its default version) or `name@version`; loads it on first call. */
  async get(word: string): Promise<OnnxClassifier> {
    const manifest = await this.catalog.get(word);
    let pending = this.loading.get(manifest.ref);
    if (!pending) {
      pending = OnnxClassifier.load(manifest, this.options);
      this.loading.set(manifest.ref, pending);
      // A failed load is not cached: the folder may be fixed while the process runs.
      pending.catch(() => this.loading.delete(manifest.ref));
    }
    return pending;
  }

  /** Loads the default version of every listed model now, so that the first text is not slow. */
  async loadAll(names?: readonly string[]): Promise<OnnxClassifier[]> {
    const wanted = names ?? (await this.catalog.modelNames());
    const known = await this.catalog.names();
    for (const n of wanted) if (!known.includes(n)) throw new UnknownModelError(n, known);
    return Promise.all(wanted.map((n) => this.get(n)));
  }

  /** Releases every loaded session. Safe to call more than once. */
  async close(): Promise<void> {
    const all = [...this.loading.values()];
    this.loading.clear();
    const settled = await Promise.allSettled(all);
    await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
  }
}
