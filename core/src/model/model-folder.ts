import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ModelLoadError } from '../errors.js';
import { HashedNgramFeaturizer } from '../text/hashed-featurizer.js';
import { HfTokenizerEncoder } from '../text/hf-tokenizer.js';
import type { InputEncoder } from '../text/input-encoder.js';
import { parseSequenceVocabulary } from '../text/sequence-vocabulary.js';
import { describeFsError, readJsonFile, readRawJson } from './json-file.js';
import { DEFAULT_MAX_INPUT_TOKENS, tokenizerInputLimit } from './model-input-limit.js';
import { type HfConfig, HfConfigSchema, type SwitchboardSpec, SwitchboardSpecSchema } from './model-spec.js';
import { findOnnxFile } from './onnx-file.js';

export { DEFAULT_MAX_INPUT_TOKENS } from './model-input-limit.js';

/**
 * Everything about a model folder that can be known without loading onnxruntime: used to list
 * models (HTTP, CLI) and as the recipe for {@link createEncoder} and the classifier.
 */
export interface ModelManifest {
  /** Model name: the folder name, or the parent folder's for a version folder (`<name>/<version>/`). */
  readonly name: string;
  /** `name@version`: the one version this manifest describes. */
  readonly ref: string;
  /** Absolute folder path. */
  readonly dir: string;
  /** Absolute path of the ONNX graph (see {@link ONNX_FILE_PREFERENCE}). */
  readonly onnxPath: string;
  /** Labels in logit order (from `config.json` `id2label`). */
  readonly labels: readonly string[];
  /** Sigmoid per label instead of softmax across labels. */
  readonly multiLabel: boolean;
  /** The version folder's name; for a single-folder model, `switchboard.json` `version` (`0.0.0` when absent). */
  readonly version: string;
  /** Description from `switchboard.json`. */
  readonly description: string;
  /** Most tokens (tokenizer) or words (featurizer) one text may use before truncation. */
  readonly maxInputTokens: number;
  /** Tokenizer or featurizer. */
  readonly encoderKind: 'tokenizer' | 'featurizer';
  /** Size of the files in bytes (graph, config, tokenizer or sequence vocabulary). */
  readonly sizeBytes: number;
  /** Parsed `config.json`. */
  readonly config: HfConfig;
  /** Parsed `switchboard.json` with defaults applied. */
  readonly spec: SwitchboardSpec;
  /** Problems that do not stop the model from serving (e.g. a `label2id` that disagrees with `id2label`). */
  readonly warnings: readonly string[];
}

/** How a version folder is named by the repository around it. */
export interface ModelIdentity {
  /** Model name (default: the folder name). */
  readonly name?: string;
  /** Version (default: `switchboard.json` `version`). */
  readonly version?: string;
}

/** Reads and checks a model folder's metadata; throws {@link ModelLoadError} naming the bad file. */
export async function readModelFolder(dir: string, identity: ModelIdentity = {}): Promise<ModelManifest> {
  const root = resolve(dir);
  const info = await stat(root).catch((err: unknown) => {
    throw new ModelLoadError(root, describeFsError(err).replace('file', 'folder'), { cause: err });
  });
  if (!info.isDirectory()) throw new ModelLoadError(root, 'is not a folder');

  const configPath = join(root, 'config.json');
  const config = await readJsonFile(configPath, HfConfigSchema);
  const warnings: string[] = [];
  const labels = labelsOf(config, configPath, warnings);
  if (config.problem_type === 'regression') {
    throw new ModelLoadError(configPath, 'problem_type "regression" is not a classification model');
  }
  // transformers reads one label without a problem_type as regression (an MSE head giving a score).
  if (labels.length === 1 && !config.problem_type) {
    throw new ModelLoadError(
      configPath,
      'one label and no problem_type: this is a regression head (it gives a score, not classes), which Switchboard does not serve; set problem_type to "multi_label_classification" if it is a one-label classifier',
    );
  }

  const specPath = join(root, 'switchboard.json');
  const spec = existsSync(specPath)
    ? await readJsonFile(specPath, SwitchboardSpecSchema)
    : SwitchboardSpecSchema.parse({});
  for (const label of spec.alert_labels) {
    if (!labels.includes(label))
      throw new ModelLoadError(specPath, `alert label "${label}" is not a model label`);
  }

  const tokenizerPath = join(root, 'tokenizer.json');
  if (!spec.featurizer && !existsSync(tokenizerPath)) {
    throw new ModelLoadError(tokenizerPath, 'missing file (and switchboard.json declares no featurizer)');
  }

  const vocabularyName = spec.featurizer?.sequence_vocabulary;
  const vocabularyPath = vocabularyName === undefined ? undefined : join(root, vocabularyName);
  if (vocabularyPath && !existsSync(vocabularyPath)) {
    throw new ModelLoadError(
      vocabularyPath,
      'missing file (switchboard.json names it as featurizer.sequence_vocabulary)',
    );
  }

  const onnxPath = findOnnxFile(root, spec);

  const tokenizerConfigPath = join(root, 'tokenizer_config.json');
  const tokenizerConfig =
    !spec.featurizer && existsSync(tokenizerConfigPath) ? await readRawJson(tokenizerConfigPath) : {};
  const maxInputTokens =
    spec.max_input_tokens ??
    (spec.featurizer ? DEFAULT_MAX_INPUT_TOKENS : tokenizerInputLimit(config, tokenizerConfig));
  const files = [
    onnxPath,
    configPath,
    ...(spec.featurizer ? [] : [tokenizerPath]),
    ...(vocabularyPath ? [vocabularyPath] : []),
  ];
  let sizeBytes = 0;
  for (const f of files) sizeBytes += (await stat(f)).size;

  const name = identity.name ?? basename(root);
  const version = identity.version ?? spec.version;
  return {
    name,
    ref: `${name}@${version}`,
    dir: root,
    onnxPath,
    labels,
    multiLabel: config.problem_type === 'multi_label_classification',
    version,
    description: spec.description,
    maxInputTokens,
    encoderKind: spec.featurizer ? 'featurizer' : 'tokenizer',
    sizeBytes,
    config,
    spec,
    warnings,
  };
}

/** Builds the model's tokenizer or featurizer. */
export async function createEncoder(manifest: ModelManifest): Promise<InputEncoder> {
  const { featurizer } = manifest.spec;
  if (featurizer) {
    if (featurizer.sequence_vocabulary === undefined) {
      return new HashedNgramFeaturizer(featurizer, manifest.maxInputTokens);
    }
    const path = join(manifest.dir, featurizer.sequence_vocabulary);
    const text = await readFile(path, 'utf8').catch((err: unknown) => {
      throw new ModelLoadError(path, describeFsError(err), { cause: err });
    });
    return new HashedNgramFeaturizer(
      featurizer,
      manifest.maxInputTokens,
      parseSequenceVocabulary(text, path),
    );
  }
  const tokenizerPath = join(manifest.dir, 'tokenizer.json');
  const tokenizerJson = await readRawJson(tokenizerPath);
  const configPath = join(manifest.dir, 'tokenizer_config.json');
  const tokenizerConfig = existsSync(configPath) ? await readRawJson(configPath) : {};
  try {
    return new HfTokenizerEncoder(tokenizerJson, tokenizerConfig, manifest.maxInputTokens);
  } catch (err) {
    throw new ModelLoadError(tokenizerPath, `cannot build the tokenizer (${(err as Error).message})`, {
      cause: err,
    });
  }
}

function labelsOf(config: HfConfig, configPath: string, warnings: string[]): string[] {
  const entries = Object.entries(config.id2label).map(([id, label]) => [Number(id), label] as const);
  entries.sort((a, b) => a[0] - b[0]);
  if (entries.length === 0) throw new ModelLoadError(configPath, 'id2label is empty');
  entries.forEach(([id], i) => {
    if (id !== i)
      throw new ModelLoadError(configPath, `id2label ids must run 0..${entries.length - 1}; found ${id}`);
  });
  const labels = entries.map(([, label]) => label);
  if (new Set(labels).size !== labels.length)
    throw new ModelLoadError(configPath, 'id2label has duplicate labels');
  // Exports often carry a stale label2id (renamed labels, copied configs); id2label is what the
  // logits follow, so it wins and the disagreement is reported.
  if (config.label2id) {
    for (const [i, label] of labels.entries()) {
      if (config.label2id[label] !== i) {
        warnings.push(
          `${configPath}: label2id["${label}"] disagrees with id2label (expected ${i}); id2label is used`,
        );
      }
    }
    const extra = Object.keys(config.label2id).find((label) => !labels.includes(label));
    if (extra !== undefined)
      warnings.push(`${configPath}: label2id has "${extra}", which id2label does not have; id2label is used`);
  }
  return labels;
}
