import { UnknownModelError } from '../errors.js';
import { ModelCatalog } from '../model/model-catalog.js';
import { type ClassifierOptions, OnnxClassifier } from './onnx-classifier.js';

/**
 * Loads classifiers from a {@link ModelCatalog} on first use and keeps one onnxruntime session
 * per model for the life of the process.
 */
export class ModelRepository {
  readonly catalog: ModelCatalog;
  private readonly options: ClassifierOptions;
  private readonly loading = new Map<string, Promise<OnnxClassifier>>();

  constructor(root: string | ModelCatalog, options: ClassifierOptions = {}) {
    this.catalog = typeof root === 'string' ? new ModelCatalog(root) : root;
    this.options = options;
  }

  /** The classifier for a model name; loads it on first call. */
  get(name: string): Promise<OnnxClassifier> {
    let pending = this.loading.get(name);
    if (!pending) {
      pending = this.catalog.get(name).then((m) => OnnxClassifier.load(m, this.options));
      this.loading.set(name, pending);
      // A failed load is not cached: the folder may be fixed while the process runs.
      pending.catch(() => this.loading.delete(name));
    }
    return pending;
  }

  /** Loads every listed model now (workers do this at start so the first job is not slow). */
  async loadAll(names?: readonly string[]): Promise<OnnxClassifier[]> {
    const wanted = names ?? (await this.catalog.names());
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
