import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { compareVersions, MODEL_REF_PATTERN } from '../contracts/model-ref.js';
import { InputError, ModelLoadError } from '../errors.js';
import { type ModelManifest, readModelFolder } from '../model/model-folder.js';
import { OnnxClassifier } from './onnx-classifier.js';

/** Options of {@link addModelVersion}. */
export interface AddModelVersionOptions {
  /** Model name (default: the source folder's name). */
  readonly name?: string;
  /**
   * Version (default: the source's `switchboard.json` `version`, else one more than the highest
   * whole-number version there is, else `1`).
   */
  readonly version?: string;
  /** Pin the new version as the model's default (`default_version`). Default false: newest wins. */
  readonly makeDefault?: boolean;
}

/** What {@link addModelVersion} did. */
export interface AddedModelVersion {
  /** The new version's manifest, read from its final place. */
  readonly manifest: ModelManifest;
  /** The label the check text got: proof that the folder classifies. */
  readonly checkLabel: string;
  /** A single-folder model that was moved to `<name>/<version>/` to make room for versions. */
  readonly converted: string | undefined;
}

const CHECK_TEXT = 'Switchboard checks that this model classifies text before serving it.';

/**
 * Adds a model folder to a repository as `<name>/<version>/`, the way workers can pick it up
 * without ever seeing half a folder: the folder is loaded and classifies one text first, is copied
 * under a hidden temporary name (which the catalog skips) and then renamed into place, which is
 * atomic on one file system. A single-folder model of the same name is first moved, as one
 * version, into the versioned layout the same way.
 * @throws ModelLoadError when the folder does not load or classify; InputError for a bad name,
 * version or an existing version
 */
export async function addModelVersion(
  repository: string,
  source: string,
  options: AddModelVersionOptions = {},
): Promise<AddedModelVersion> {
  const root = resolve(repository);
  const from = resolve(source);
  const checked = await readModelFolder(from);
  const classifier = await OnnxClassifier.load(checked);
  let checkLabel: string;
  try {
    const [result] = await classifier.classify([CHECK_TEXT]);
    checkLabel = result!.top.label;
  } catch (err) {
    throw new ModelLoadError(checked.onnxPath, `loads but cannot classify (${(err as Error).message})`, {
      cause: err,
    });
  } finally {
    await classifier.close();
  }

  const name = options.name ?? basename(from);
  if (!MODEL_REF_PATTERN.test(name) || name.includes('@'))
    throw new InputError(`"${name}" is not a valid model name (letters, digits, . _ -)`, 'name');
  const modelDir = join(root, name);
  // Copying a folder of the repository into the repository would let workers see it twice.
  if (from === root || from.startsWith(`${root}${sep}`) || root.startsWith(`${from}${sep}`))
    throw new InputError(
      `${from} is already part of the model repository ${root}; copy it elsewhere first`,
      'path',
    );
  if (!existsSync(root)) await mkdir(root, { recursive: true });

  let converted: string | undefined;
  if (existsSync(join(modelDir, 'config.json'))) converted = await toVersionedLayout(root, name);
  const version =
    options.version ??
    (checked.spec.version !== '0.0.0' ? checked.spec.version : await nextVersion(modelDir));
  if (!MODEL_REF_PATTERN.test(`${name}@${version}`))
    throw new InputError(`"${version}" is not a valid version (letters, digits, . _ + -)`, 'version');
  const target = join(modelDir, version);
  if (existsSync(target))
    throw new InputError(
      `${target} already exists: choose another --version or remove that one first`,
      'version',
    );

  const staging = join(existsSync(modelDir) ? modelDir : root, `.incoming-${randomBytes(6).toString('hex')}`);
  try {
    if (existsSync(modelDir)) {
      await cp(from, staging, { recursive: true, dereference: true, errorOnExist: true });
      await rename(staging, target);
    } else {
      // A new model: its folder appears whole, with its first version inside.
      await cp(from, join(staging, version), { recursive: true, dereference: true, errorOnExist: true });
      await rename(staging, modelDir);
    }
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  if (options.makeDefault) await pinDefault(modelDir, version);
  return { manifest: await readModelFolder(target, { name, version }), checkLabel, converted };
}

/** Pins `default_version` in the model's own `switchboard.json`, written whole then renamed. */
export async function pinDefault(modelDir: string, version: string): Promise<void> {
  const temp = join(modelDir, `.switchboard.json.${randomBytes(4).toString('hex')}`);
  await writeFile(temp, `${JSON.stringify({ default_version: version }, null, 2)}\n`);
  await rename(temp, join(modelDir, 'switchboard.json'));
}

// models/<name>/ (one folder) → models/<name>/<its version>/, built beside and swapped in by rename.
async function toVersionedLayout(root: string, name: string): Promise<string> {
  const modelDir = join(root, name);
  const current = await readModelFolder(modelDir);
  const staging = join(root, `.incoming-${randomBytes(6).toString('hex')}`);
  await mkdir(staging);
  await cp(modelDir, join(staging, current.version), { recursive: true, dereference: true });
  const old = join(root, `.replaced-${randomBytes(6).toString('hex')}`);
  await rename(modelDir, old);
  await rename(staging, modelDir);
  await rm(old, { recursive: true, force: true });
  return current.version;
}

async function nextVersion(modelDir: string): Promise<string> {
  if (!existsSync(modelDir)) return '1';
  const numbers = (await readdir(modelDir))
    .filter((v) => /^\d+$/.test(v))
    .sort(compareVersions)
    .map(Number);
  return String((numbers.at(-1) ?? 0) + 1);
}
