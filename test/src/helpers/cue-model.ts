import { HashedNgramFeaturizer, type HashedNgramSpec } from '@switchboard/core';
import { buildEmbeddingBagModel, GraphBuilder, writeModelFolder } from '@switchboard/train';

/** Featurizer of the test models: words only, so each word's bucket is known exactly. */
export const CUE_FEATURIZER: HashedNgramSpec = {
  type: 'hashed-ngrams',
  buckets: 4096,
  word_ngrams: 1,
  char_ngrams: null,
  lowercase: true,
};

/** Labels of the cue models, in logit order. */
export const CUE_LABELS = ['negative', 'neutral', 'positive'] as const;

/** The words that decide the label; a text with none of them is `neutral` (the bias). */
export const CUE_WORDS: Readonly<Record<string, (typeof CUE_LABELS)[number]>> = {
  sunny: 'positive',
  rainy: 'negative',
};

/** Weight of a cue word's embedding: large enough that one cue outweighs the bias in any test text. */
const CUE_WEIGHT = 30;

/** The bucket of one word under {@link CUE_FEATURIZER}. */
export function bucketOf(word: string): number {
  const { ids } = new HashedNgramFeaturizer(CUE_FEATURIZER, 100).encode(word);
  if (ids.length !== 1) throw new Error(`"${word}" is not one word`);
  return ids[0]!;
}

/** Bucket → label of every cue word; throws if two cues (or a filler word) share a bucket. */
function cueBuckets(): Map<number, string> {
  const buckets = new Map<number, string>();
  for (const [word, label] of Object.entries(CUE_WORDS)) {
    const bucket = bucketOf(word);
    if (buckets.has(bucket)) throw new Error(`cue words share bucket ${bucket}; pick other words`);
    buckets.set(bucket, label);
  }
  return buckets;
}

/**
 * The embedding table: a cue word's row points at its label, every other row is zero. `dim` may be
 * wider than the labels (the slow model); the label components come first.
 */
function cueEmbedding(dim: number): Float32Array {
  const embedding = new Float32Array(CUE_FEATURIZER.buckets * dim);
  for (const [bucket, label] of cueBuckets()) {
    embedding[bucket * dim + CUE_LABELS.indexOf(label as (typeof CUE_LABELS)[number])] = CUE_WEIGHT;
  }
  return embedding;
}

/** `[dim, classes]` weights that copy the first `classes` components through. */
function projection(dim: number): Float32Array {
  const classes = CUE_LABELS.length;
  const weight = new Float32Array(dim * classes);
  for (let i = 0; i < classes; i++) weight[i * classes + i] = 1;
  return weight;
}

/** Bias that makes a text without cue words `neutral`. */
function neutralBias(): Float32Array {
  const bias = new Float32Array(CUE_LABELS.length);
  bias[CUE_LABELS.indexOf('neutral')] = 1;
  return bias;
}

/**
 * Words the tests build texts from; checked against the cue buckets so that a filler word can never
 * change a label.
 */
export const FILLER_WORDS = [
  'the',
  'morning',
  'was',
  'very',
  'quite',
  'afternoon',
  'weather',
  'today',
  'in',
  'town',
  'forecast',
  'says',
] as const;

/** The label a text gets from the cue models: the first cue word it holds, else `neutral`. */
export function cueLabel(text: string): string {
  const cues = cueBuckets();
  for (const filler of FILLER_WORDS) {
    if (cues.has(bucketOf(filler))) throw new Error(`filler word "${filler}" collides with a cue word`);
  }
  const words = text.toLowerCase().split(/\s+/);
  for (const word of words) if (CUE_WORDS[word]) return CUE_WORDS[word]!;
  return 'neutral';
}

/** Writes the fast cue model: a plain embedding bag, microseconds a run. */
export async function writeCueModel(dir: string, version = '1.0.0'): Promise<void> {
  const dim = CUE_LABELS.length;
  const onnx = buildEmbeddingBagModel({
    vocab: CUE_FEATURIZER.buckets,
    dim,
    classes: dim,
    embedding: cueEmbedding(dim),
    weight: projection(dim),
    bias: neutralBias(),
  });
  await writeModelFolder(dir, {
    labels: CUE_LABELS,
    onnx,
    spec: {
      version,
      description: 'Test model: "sunny" is positive, "rainy" negative.',
      featurizer: CUE_FEATURIZER,
    },
  });
}

/** How heavy the slow cue model is. */
export interface SlowModelOptions {
  /** Width of the hidden vectors. Default 256. */
  dim?: number;
  /** Copies of each text's vector that every layer multiplies (cost grows linearly). Default 32. */
  rows?: number;
  /** Identity MatMul layers. Default 12. */
  layers?: number;
}

/**
 * Writes a cue model that gives the same labels as {@link writeCueModel} but spends real time in
 * onnxruntime: each text's mean embedding is repeated `rows` times and pushed through `layers`
 * `dim`×`dim` MatMuls, so a run of a few texts takes tens of ms. Its cost depends on the input, so
 * onnxruntime cannot fold it away. For tests that kill or stop a worker in the middle of a batch.
 */
export async function writeSlowCueModel(dir: string, options: SlowModelOptions = {}): Promise<void> {
  const { dim = 256, rows = 32, layers = 12 } = options;
  const classes = CUE_LABELS.length;
  const g = new GraphBuilder();
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const mask = g.input('attention_mask', 'int64', ['batch', 'sequence']);
  g.output('logits', 'float', ['batch', classes]);

  const table = g.floats('embedding', [CUE_FEATURIZER.buckets, dim], cueEmbedding(dim));
  const identity = new Float32Array(dim * dim);
  for (let i = 0; i < dim; i++) identity[i * dim + i] = 1;
  const square = g.floats('hidden.weight', [dim, dim], identity);
  // Spread over `rows` so that summing them back below gives `rows` × the mean: divide it out.
  const spread = g.floats('spread', [1, rows, dim], new Float32Array(rows * dim));
  const inverseRows = g.floats('inverse_rows', [], [1 / rows]);
  const weight = g.floats('classifier.weight', [dim, classes], projection(dim));
  const bias = g.floats('classifier.bias', [classes], neutralBias());
  const lastAxis = g.ints('axis_last', [1], [-1]);
  const seqAxis = g.ints('axis_seq', [1], [1]);
  const one = g.floats('one', [], [1]);

  const vectors = g.node('Gather', [table, ids], { axis: 0 });
  const maskF = g.node('Cast', [mask], { to: 1 });
  const masked = g.node('Mul', [vectors, g.node('Unsqueeze', [maskF, lastAxis])]);
  const sum = g.node('ReduceSum', [masked, seqAxis], { keepdims: 0 });
  const count = g.node('Max', [g.node('ReduceSum', [maskF, seqAxis], { keepdims: 1 }), one]);
  const mean = g.node('Div', [sum, count]);
  let hidden = g.node('Add', [g.node('Unsqueeze', [mean, seqAxis]), spread]);
  for (let i = 0; i < layers; i++) hidden = g.node('MatMul', [hidden, square]);
  const back = g.node('Mul', [g.node('ReduceSum', [hidden, seqAxis], { keepdims: 0 }), inverseRows]);
  g.node('Add', [g.node('MatMul', [back, weight]), bias], {}, 'logits');
  await writeModelFolder(dir, {
    labels: CUE_LABELS,
    onnx: g.toBytes('switchboard-test-slow-cue'),
    spec: {
      version: '1.0.0',
      description: 'Slow test model with the labels of the cue model.',
      featurizer: CUE_FEATURIZER,
    },
  });
}
