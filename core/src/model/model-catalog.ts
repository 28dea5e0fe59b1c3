import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ModelLoadError, UnknownModelError } from '../errors.js';
import { type ModelManifest, readModelFolder } from './model-folder.js';

/** A model folder that exists but cannot be used, with why. */
export interface BrokenModel {
  readonly name: string;
  readonly error: ModelLoadError;
}

/**
 * A model repository: a folder of model folders, addressed by folder name. Reads metadata only
 * (no onnxruntime), so channels that merely list or validate models stay light.
 */
export class ModelCatalog {
  /** Absolute path of the repository folder. */
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /**
   * Names of the sub-folders, sorted; hidden folders are skipped. Symbolic links to folders count:
   * Kubernetes volume mounts and hand-made repositories (`ln -s ~/my-model models/`) are made of them.
   */
  async names(): Promise<string[]> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(this.root, { withFileTypes: true });
    } catch (err) {
      throw new ModelLoadError(this.root, 'model repository folder cannot be read', { cause: err });
    }
    const names: string[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory() || (e.isSymbolicLink() && (await this.linksToFolder(e.name)))) names.push(e.name);
    }
    return names.sort();
  }

  private async linksToFolder(name: string): Promise<boolean> {
    const target = await stat(join(this.root, name)).catch(() => undefined);
    return target?.isDirectory() === true;
  }

  /** Every usable model's manifest, plus the folders that failed to load and why. */
  async list(): Promise<{ models: ModelManifest[]; broken: BrokenModel[] }> {
    const models: ModelManifest[] = [];
    const broken: BrokenModel[] = [];
    for (const name of await this.names()) {
      try {
        models.push(await readModelFolder(join(this.root, name)));
      } catch (err) {
        if (!(err instanceof ModelLoadError)) throw err;
        broken.push({ name, error: err });
      }
    }
    return { models, broken };
  }

  /** The manifest of one model; {@link UnknownModelError} when no folder has that name. */
  async get(name: string): Promise<ModelManifest> {
    const names = await this.names();
    if (!names.includes(name)) throw new UnknownModelError(name, names);
    return readModelFolder(join(this.root, name));
  }
}
