import { ModelCatalog, type ModelManifest, parseModelRef, UnknownModelError } from '@switchboard/core';

/** How long names and manifests are reused before the folder is read again. */
const FRESH_MS = 5_000;

interface Cached<T> {
  readonly at: number;
  readonly value: Promise<T>;
}

/**
 * The model repository as the API sees it: names and metadata only (the HTTP process never loads
 * onnxruntime). Reads are cached for a few seconds so a busy server does not list the folder on
 * every request, while a model copied into the repository shows up without a restart.
 */
export class ModelDirectory {
  /** The underlying catalog. */
  readonly catalog: ModelCatalog;
  private names: Cached<string[]> | undefined;
  private readonly manifests = new Map<string, Cached<ModelManifest>>();

  constructor(root: string) {
    this.catalog = new ModelCatalog(root);
  }

  /**
   * Resolves when the repository has the model a word names (`name` or `name@version`).
   * @throws UnknownModelError listing the models that exist (or, for an unknown version, the
   * versions of that model)
   */
  async require(word: string): Promise<void> {
    const names = await this.fresh(
      this.names,
      () => this.catalog.names(),
      (c) => (this.names = c),
    );
    if (names.includes(word)) return;
    const { name } = parseModelRef(word);
    const versions = names.filter((n) => n.startsWith(`${name}@`));
    throw new UnknownModelError(
      word,
      names.includes(name) ? versions : names.filter((n) => !n.includes('@')),
    );
  }

  /** The manifest of `name`; throws UnknownModelError or ModelLoadError. */
  manifest(name: string): Promise<ModelManifest> {
    return this.fresh(
      this.manifests.get(name),
      () => this.catalog.get(name),
      (c) => this.manifests.set(name, c),
    );
  }

  private fresh<T>(
    cached: Cached<T> | undefined,
    load: () => Promise<T>,
    store: (c: Cached<T>) => void,
  ): Promise<T> {
    const now = Date.now();
    if (cached && now - cached.at < FRESH_MS) return cached.value;
    const value = load();
    // A failed read is not cached: the next request tries again.
    store({ at: now, value });
    value.catch(() => store({ at: 0, value }));
    return value;
  }
}
