import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SwitchboardSpec } from '../model/model-spec.js';
import { writeModelFolder } from '../model/write-model-folder.js';
import type { HashedNgramSpec } from '../text/hashed-featurizer.js';
import { buildMeanPoolModel, type MeanPoolModelOptions } from './mean-pool-model.js';

/** The featurizer of test models: small, but with word bigrams and character n-grams like the trainer's. */
export const TEST_FEATURIZER: HashedNgramSpec = {
  type: 'hashed-ngrams',
  buckets: 2048,
  word_ngrams: 2,
  char_ngrams: [3, 4],
  lowercase: true,
};

/** A temporary folder and a way to remove it. */
export interface TempDir {
  readonly path: string;
  remove(): Promise<void>;
}

/** Makes a fresh temporary folder for one test file. */
export async function makeTempDir(prefix = 'switchboard-test-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Writes a working featurizer model folder (like the trainer's) with deterministic weights. */
export async function writeFeaturizerModel(
  dir: string,
  options: {
    labels?: readonly string[];
    graph?: Partial<MeanPoolModelOptions>;
    spec?: Partial<SwitchboardSpec>;
    config?: Record<string, unknown>;
  } = {},
): Promise<void> {
  const labels = options.labels ?? ['negative', 'positive'];
  const onnx = buildMeanPoolModel({
    vocab: TEST_FEATURIZER.buckets,
    classes: labels.length,
    ...options.graph,
  });
  await writeModelFolder(dir, {
    labels,
    onnx,
    spec: { version: '1.0.0', featurizer: TEST_FEATURIZER, ...options.spec },
    config: options.config,
  });
}

/** The repository root (three levels above this file: core/src/testing). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The bert-base-uncased tokenizer cut down to the tokens the tests use, shipped in the repository
 * (`core/fixtures/bert-base-uncased-mini`, Apache-2.0: see its README). Ids are bert-base-uncased's.
 */
export const BERT_FIXTURE_DIR = join(REPO_ROOT, 'core', 'fixtures', 'bert-base-uncased-mini');

/** bert-base-uncased vocabulary size. */
export const BERT_VOCAB = 30522;

/**
 * Writes a Hugging Face-style model folder over a bert-base-uncased tokenizer (e.g. {@link BERT_FIXTURE_DIR}): the graph
 * takes `input_ids`, `attention_mask` and `token_type_ids`, as `optimum` exports of BERT do.
 * Returns the graph options, so tests can recompute its weights (`meanPoolWeights`).
 */
export async function writeBertStyleModel(
  dir: string,
  tokenizerDir: string,
  options: {
    labels?: readonly string[];
    config?: Record<string, unknown>;
    graph?: Partial<MeanPoolModelOptions>;
  } = {},
): Promise<MeanPoolModelOptions> {
  const labels = options.labels ?? ['negative', 'neutral', 'positive'];
  const graph: MeanPoolModelOptions = {
    vocab: BERT_VOCAB,
    classes: labels.length,
    tokenTypes: 2,
    dim: 8,
    seed: 7,
    ...options.graph,
  };
  const onnx = buildMeanPoolModel(graph);
  await writeModelFolder(dir, {
    labels,
    onnx,
    config: {
      architectures: ['BertForSequenceClassification'],
      model_type: 'bert',
      max_position_embeddings: 512,
      ...options.config,
    },
  });
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) {
    await copyFile(join(tokenizerDir, file), join(dir, file));
  }
  return graph;
}
