import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeModelFolder } from '@switchboard/train';
import { REPO_ROOT } from './bench-texts.js';
import { buildTransformerGraph, SMALL_ENCODER, type TransformerShape } from './transformer-graph.js';

/** The full BERT (uncased) tokenizer, in the data folder beside the repository when there is one. */
export const BERT_TOKENIZER_DIR = join(REPO_ROOT, '..', 'shared', 'models', 'bert-base-uncased-tokenizer');

/**
 * The cut-down BERT tokenizer shipped with the repository (same ids, 955 tokens): what the bench
 * falls back to on a clone with nothing beside it. Texts split into more pieces than with the
 * full vocabulary, so sequences are somewhat longer than a real BERT's.
 */
export const BERT_FIXTURE_TOKENIZER_DIR = join(REPO_ROOT, 'core', 'fixtures', 'bert-base-uncased-mini');

/** The full tokenizer when it is there, else the shipped fixture. */
export function benchTokenizerDir(): string {
  return existsSync(join(BERT_TOKENIZER_DIR, 'tokenizer.json'))
    ? BERT_TOKENIZER_DIR
    : BERT_FIXTURE_TOKENIZER_DIR;
}

/** Where built models are kept between runs (git-ignored). */
export const BENCH_MODELS_DIR = join(REPO_ROOT, 'bench', '.cache', 'models');

const LABELS = ['negative', 'positive'];

/** A built model folder. */
export interface BuiltModel {
  /** Model repository folder holding it (`SWITCHBOARD_MODELS`). */
  readonly repository: string;
  /** Folder name, which is the model's name. */
  readonly name: string;
  /** The model folder. */
  readonly dir: string;
  /** Whether this call built it (false: it was in the cache). */
  readonly built: boolean;
}

/** The folder name of a shape: every field that changes the graph is in it. */
export function transformerModelName(shape: Omit<TransformerShape, 'vocab'>): string {
  return `bert-l${shape.layers}-h${shape.hidden}-a${shape.heads}-i${shape.intermediate}-c${shape.classes}-s${shape.seed}`;
}

/**
 * Writes a Hugging Face folder of a BERT sequence classifier with random weights: `model.onnx`,
 * `config.json` (BERT fields and `id2label` of two labels), and the BERT tokenizer's
 * `tokenizer.json` and `tokenizer_config.json`.
 * @param shape everything but the vocabulary, which is the tokenizer's
 */
export async function writeTransformerModel(
  dir: string,
  shape: Omit<TransformerShape, 'vocab'>,
  tokenizerDir = benchTokenizerDir(),
): Promise<void> {
  if (shape.classes !== LABELS.length) throw new RangeError(`the model has ${LABELS.length} labels`);
  const tokenizerPath = join(tokenizerDir, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) {
    throw new Error(
      `${tokenizerPath} is missing: the transformer-sized model needs a BERT tokenizer.json (the repository ships one in ${BERT_FIXTURE_TOKENIZER_DIR}), or pass --model with an existing Hugging Face folder.`,
    );
  }
  const tokenizer = await readFile(tokenizerPath);
  const configPath = join(tokenizerDir, 'tokenizer_config.json');
  const tokenizerConfig = existsSync(configPath) ? await readFile(configPath) : Buffer.from('{}\n');
  const full: TransformerShape = { ...shape, vocab: vocabularySize(JSON.parse(tokenizer.toString())) };
  await writeModelFolder(dir, {
    labels: LABELS,
    onnx: buildTransformerGraph(full),
    config: {
      architectures: ['BertForSequenceClassification'],
      model_type: 'bert',
      problem_type: 'single_label_classification',
      vocab_size: full.vocab,
      hidden_size: full.hidden,
      num_hidden_layers: full.layers,
      num_attention_heads: full.heads,
      intermediate_size: full.intermediate,
      hidden_act: 'gelu',
      max_position_embeddings: full.maxPositions,
      type_vocab_size: full.typeVocab,
      layer_norm_eps: 1e-12,
      pad_token_id: 0,
    },
    spec: {
      version: '0.0.0-bench',
      description: `Random weights (seed ${full.seed}) in the shape of a small BERT classifier, for benchmarks only: its labels mean nothing.`,
    },
    files: { 'tokenizer.json': tokenizer, 'tokenizer_config.json': tokenizerConfig },
  });
}

/**
 * The model folder of `shape` in `repository`, built on first use. It is written to a temporary
 * folder and renamed, so an interrupted build never leaves a half-written model behind.
 * @param tokenizerDir folder of the tokenizer files; a model over the shipped fixture gets its own
 *   name, so a cached one is not mistaken for one over the full vocabulary
 */
export async function ensureTransformerModel(
  shape: Omit<TransformerShape, 'vocab'> = SMALL_ENCODER,
  repository = BENCH_MODELS_DIR,
  tokenizerDir = benchTokenizerDir(),
): Promise<BuiltModel> {
  const suffix = tokenizerDir === BERT_FIXTURE_TOKENIZER_DIR ? '-mini-vocab' : '';
  const name = `${transformerModelName(shape)}${suffix}`;
  const dir = join(repository, name);
  if (existsSync(join(dir, 'model.onnx'))) return { repository, name, dir, built: false };
  await mkdir(repository, { recursive: true });
  const partial = join(repository, `.${name}.${process.pid}.partial`);
  try {
    await writeTransformerModel(partial, shape, tokenizerDir);
    await rename(partial, dir);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  return { repository, name, dir, built: true };
}

/** Rows the word embedding needs: one past the highest id of the vocabulary and added tokens. */
function vocabularySize(tokenizer: {
  model?: { vocab?: Record<string, number> | [string, number][] };
  added_tokens?: { id: number }[];
}): number {
  const vocab = tokenizer.model?.vocab;
  // Unigram vocabularies are [token, score] pairs indexed by position; the others map token to id.
  let highest = Array.isArray(vocab) ? vocab.length - 1 : -1;
  if (!Array.isArray(vocab)) for (const id of Object.values(vocab ?? {})) highest = Math.max(highest, id);
  for (const t of tokenizer.added_tokens ?? []) highest = Math.max(highest, t.id);
  if (highest < 0) throw new Error('tokenizer.json has no vocabulary');
  return highest + 1;
}
