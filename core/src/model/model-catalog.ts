import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { compareVersions, parseModelRef } from '../contracts/model-ref.js';
import { ModelLoadError, UnknownModelError } from '../errors.js';
import { readJsonFile } from './json-file.js';
import { type ModelManifest, readModelFolder } from './model-folder.js';
import { ModelSpecSchema } from './model-spec.js';

/** A model or version folder that exists but cannot be used, with why. */
export interface BrokenModel {
  /** `name` for a single-folder model, `name@version` for a version folder. */
  readonly name: string;
  readonly error: ModelLoadError;
}

/** One model of the repository with all its versions. */
export interface ModelEntry {
  readonly name: string;
  /** Absolute path of `models/<name>`. */
  readonly dir: string;
  /** `versioned`: `<name>/<version>/` folders; `single`: the folder is one Hugging Face folder, one version. */
  readonly layout: 'single' | 'versioned';
  /** Usable versions, oldest first. */
  readonly versions: readonly ModelManifest[];
  /** Version folders (or the single folder) that cannot be used. */
  readonly broken: readonly BrokenModel[];
  /** `default_version` from the model's `switchboard.json`, when it pins one. */
  readonly pinned: string | undefined;
  /** What a bare name means: the pinned version when usable, else the newest usable one. */
  readonly defaultVersion: string | undefined;
  /** Problems that do not stop the model from serving (a pinned version that cannot be used...). */
  readonly warnings: readonly string[];
}

/**
 * A model repository: a folder of models, each either one Hugging Face folder (one version, its
 * `switchboard.json` `version`) or, as Triton lays them out, a folder of version folders
 * (`models/<name>/<version>/`). Models are addressed as `name` (the default version) or
 * `name@version`. Reads metadata only (no onnxruntime), so channels that merely list or validate
 * models stay light; every call reads the folder again, so what is added or removed shows at once.
 */
export class ModelCatalog {
  /** Absolute path of the repository folder. */
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /**
   * Names of the models (sub-folders), sorted; hidden folders are skipped, so a folder being
   * copied under a `.`-name is never seen. Symbolic links to folders count: Kubernetes volume
   * mounts and hand-made repositories (`ln -s ~/my-model models/`) are made of them.
   */
  async modelNames(): Promise<string[]> {
    return subfolders(this.root, 'model repository folder cannot be read');
  }

  /**
   * Every word a model can be addressed by, sorted: each model's `name` and each `name@version`
   * (broken versions included, so that asking for one gets its load error, not "unknown model").
   */
  async names(): Promise<string[]> {
    const words: string[] = [];
    for (const entry of await this.entries()) {
      words.push(entry.name);
      const versions = [...entry.versions.map((m) => m.version), ...entry.broken.map((b) => versionOf(b))];
      for (const v of versions) if (v !== undefined) words.push(`${entry.name}@${v}`);
    }
    return [...new Set(words)].sort();
  }

  /** Every model with all its versions. */
  async entries(): Promise<ModelEntry[]> {
    const out: ModelEntry[] = [];
    for (const name of await this.modelNames()) out.push(await this.readEntry(name));
    return out;
  }

  /** One model with all its versions; {@link UnknownModelError} when the repository has no such model. */
  async entry(name: string): Promise<ModelEntry> {
    const names = await this.modelNames();
    if (!names.includes(name)) throw new UnknownModelError(name, names);
    return this.readEntry(name);
  }

  /**
   * The default version of every usable model, plus every folder that failed to load and why.
   * {@link entries} has every version.
   */
  async list(): Promise<{ models: ModelManifest[]; broken: BrokenModel[] }> {
    const models: ModelManifest[] = [];
    const broken: BrokenModel[] = [];
    for (const entry of await this.entries()) {
      const chosen = entry.versions.find((m) => m.version === entry.defaultVersion);
      if (chosen) models.push(chosen);
      broken.push(...entry.broken);
    }
    return { models, broken };
  }

  /**
   * The manifest of `name` (its default version) or `name@version`.
   * @throws UnknownModelError when no such model or version exists
   * @throws ModelLoadError when the folder asked for cannot be used
   */
  async get(word: string): Promise<ModelManifest> {
    const { name, version } = parseModelRef(word);
    const names = await this.modelNames();
    if (!names.includes(name)) throw new UnknownModelError(word, names);
    return resolveVersion(await this.readEntry(name), version, word);
  }

  /** One listed model's folder, read: a Hugging Face folder, or `<version>/` folders. */
  private readEntry(name: string): Promise<ModelEntry> {
    const dir = join(this.root, name);
    if (existsSync(join(dir, 'config.json'))) return singleEntry(name, dir);
    return versionedEntry(name, dir);
  }
}

/** Picks `version` (or the default) of a model; the same rules as {@link ModelCatalog.get}. */
export function resolveVersion(entry: ModelEntry, version: string | undefined, word: string): ModelManifest {
  const wanted = version ?? entry.defaultVersion;
  const found = entry.versions.find((m) => m.version === wanted);
  if (found) return found;
  const broken =
    wanted === undefined ? entry.broken.at(-1) : entry.broken.find((b) => versionOf(b) === wanted);
  if (broken) throw broken.error;
  if (wanted === undefined) throw new ModelLoadError(entry.dir, 'has no usable version');
  throw new UnknownModelError(word, [
    ...entry.versions.map((m) => m.ref),
    ...entry.broken.map((b) => b.name),
  ]);
}

function versionOf(broken: BrokenModel): string | undefined {
  const at = broken.name.indexOf('@');
  return at < 0 ? undefined : broken.name.slice(at + 1);
}

async function singleEntry(name: string, dir: string): Promise<ModelEntry> {
  try {
    const manifest = await readModelFolder(dir);
    return {
      name,
      dir,
      layout: 'single',
      versions: [manifest],
      broken: [],
      pinned: undefined,
      defaultVersion: manifest.version,
      warnings: [],
    };
  } catch (err) {
    if (!(err instanceof ModelLoadError)) throw err;
    const base = { name, dir, layout: 'single' as const, versions: [], pinned: undefined };
    return { ...base, broken: [{ name, error: err }], defaultVersion: undefined, warnings: [] };
  }
}

async function versionedEntry(name: string, dir: string): Promise<ModelEntry> {
  const warnings: string[] = [];
  const broken: BrokenModel[] = [];
  const versions: ModelManifest[] = [];
  const folders = (await subfolders(dir, 'model folder cannot be read')).sort(compareVersions);
  if (folders.length === 0) {
    const error = new ModelLoadError(
      join(dir, 'config.json'),
      `missing file (and no version folders ${name}/<version>/)`,
    );
    broken.push({ name, error });
  }
  for (const version of folders) {
    try {
      versions.push(await readModelFolder(join(dir, version), { name, version }));
    } catch (err) {
      if (!(err instanceof ModelLoadError)) throw err;
      broken.push({ name: `${name}@${version}`, error: err });
    }
  }
  let pinned: string | undefined;
  const specPath = join(dir, 'switchboard.json');
  if (existsSync(specPath)) {
    try {
      pinned = (await readJsonFile(specPath, ModelSpecSchema)).default_version;
    } catch (err) {
      if (!(err instanceof ModelLoadError)) throw err;
      warnings.push(`${err.message}; the newest version is the default`);
    }
  }
  let defaultVersion = versions.at(-1)?.version;
  if (pinned !== undefined) {
    if (versions.some((m) => m.version === pinned)) defaultVersion = pinned;
    else
      warnings.push(
        `${specPath}: default_version "${pinned}" is not a usable version of ${name}; serving ${defaultVersion ?? 'nothing'}`,
      );
  }
  return { name, dir, layout: 'versioned', versions, broken, pinned, defaultVersion, warnings };
}

async function subfolders(dir: string, problem: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new ModelLoadError(dir, problem, { cause: err });
  }
  const names: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) names.push(e.name);
    else if (e.isSymbolicLink() && (await stat(join(dir, e.name)).catch(() => undefined))?.isDirectory())
      names.push(e.name);
  }
  return names.sort();
}
