import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ModelLoadError } from '../errors.js';
import { HashedNgramFeaturizer } from '../text/hashed-featurizer.js';
import { HfTokenizerEncoder } from '../text/hf-tokenizer.js';
import type { InputEncoder } from '../text/input-encoder.js';
import { parseSequenceVocabulary } from '../text/sequence-vocabulary.js';
import { describeFsError, readJsonFile, readRawJson } from './json-file.js';
import { type HfConfig, HfConfigSchema, type SwitchboardSpec, SwitchboardSpecSchema } from './model-spec.js';

/** Longest input when neither `switchboard.json` nor `config.json` says. */
export const DEFAULT_MAX_INPUT_TOKENS = 512;

/**
 * Everything about a model folder that can be known without loading onnxruntime: used to list
 * models (HTTP, CLI) and as the recipe for {@link createEncoder} and the classifier.
 */
export interface ModelManifest {
  /** Folder name; models are addressed by it. */
  readonly name: string;
  /** Absolute folder path. */
  readonly dir: string;
  /** Absolute path of the ONNX graph (`model.onnx` or `onnx/model.onnx`). */
  readonly onnxPath: string;
  /** Labels in logit order (from `config.json` `id2label`). */
  readonly labels: readonly string[];
  /** Sigmoid per label instead of softmax across labels. */
  readonly multiLabel: boolean;
  /** Version from `switchboard.json`, `0.0.0` when absent. */
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
}

/** Reads and checks a model folder's metadata; throws {@link ModelLoadError} naming the bad file. */
export async function readModelFolder(dir: string): Promise<ModelManifest> {
  const root = resolve(dir);
  const info = await stat(root).catch((err: unknown) => {
    throw new ModelLoadError(root, describeFsError(err).replace('file', 'folder'), { cause: err });
  });
  if (!info.isDirectory()) throw new ModelLoadError(root, 'is not a folder');

  const configPath = join(root, 'config.json');
  const config = await readJsonFile(configPath, HfConfigSchema);
  const labels = labelsOf(config, configPath);
  if (config.problem_type === 'regression') {
    throw new ModelLoadError(configPath, 'problem_type "regression" is not a classification model');
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

  const candidates = [join(root, 'model.onnx'), join(root, 'onnx', 'model.onnx')];
  const onnxPath = candidates.find((p) => existsSync(p));
  if (!onnxPath) throw new ModelLoadError(candidates[0]!, 'missing file (also looked for onnx/model.onnx)');

  const maxInputTokens =
    spec.max_input_tokens ??
    (spec.featurizer ? undefined : config.max_position_embeddings) ??
    DEFAULT_MAX_INPUT_TOKENS;
  const files = [
    onnxPath,
    configPath,
    ...(spec.featurizer ? [] : [tokenizerPath]),
    ...(vocabularyPath ? [vocabularyPath] : []),
  ];
  let sizeBytes = 0;
  for (const f of files) sizeBytes += (await stat(f)).size;

  return {
    name: basename(root),
    dir: root,
    onnxPath,
    labels,
    multiLabel: config.problem_type === 'multi_label_classification',
    version: spec.version,
    description: spec.description,
    maxInputTokens,
    encoderKind: spec.featurizer ? 'featurizer' : 'tokenizer',
    sizeBytes,
    config,
    spec,
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

function labelsOf(config: HfConfig, configPath: string): string[] {
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
  if (config.label2id) {
    for (const [i, label] of labels.entries()) {
      if (config.label2id[label] !== i) {
        throw new ModelLoadError(configPath, `label2id["${label}"] disagrees with id2label (expected ${i})`);
      }
    }
    const extra = Object.keys(config.label2id).find((label) => !labels.includes(label));
    if (extra !== undefined)
      throw new ModelLoadError(configPath, `label2id has "${extra}", which id2label does not have`);
  }
  return labels;
}
