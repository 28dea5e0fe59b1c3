import { HashedNgramFeaturizer, type HashedNgramSpec, InputError } from '@switchboard/core';
import { type ClassificationMetrics, computeMetrics } from './metrics.js';
import {
  buildEmbeddingBagModel,
  type EmbeddingBagWeights,
  type Pooling,
  poolingScale,
} from './onnx/embedding-bag-model.js';
import { applyPretrained, type PretrainedInit, type PretrainedReport } from './pretrained-init.js';
import { SeededRandom } from './seeded-random.js';
import { type LabelledData, labelsOf } from './tsv-data.js';

/** Hyper-parameters of {@link trainFastText}. Every field is recorded in the model folder. */
export interface FastTextOptions {
  /** Passes over the training data. */
  readonly epochs: number;
  /** Embedding width. */
  readonly dim: number;
  /** Starting learning rate; it decays linearly to 0 over the whole run, as in fastText. */
  readonly lr: number;
  /** Hash buckets of the featurizer (rows of the embedding table). */
  readonly buckets: number;
  /** Longest word n-gram. */
  readonly wordNgrams: number;
  /** Character n-gram length range, or null for none. */
  readonly charNgrams: readonly [number, number] | null;
  /** Lower-case texts before featurizing. */
  readonly lowercase: boolean;
  /** Seed of every random choice (initial weights, example order). */
  readonly seed: number;
  /**
   * `balanced` weighs each example's loss by `examples / (labels * examples of its label)`, so a
   * rare label counts as much as a common one; `none` weighs all examples alike.
   */
  readonly classWeights: 'balanced' | 'none';
  /** Most words read from one text (the runtime truncates the same way). */
  readonly maxInputTokens: number;
  /**
   * How the embeddings of a text are pooled: `mean` divides their sum by the number of ids
   * (fastText); `sqrt` divides by its square root, so one telling n-gram in a long text is not
   * drowned out (helps on tweets and SMS).
   */
  readonly pooling: Pooling;
  /**
   * Pretrained word vectors to start the rows of their words from (then trained like the rest,
   * at `lrScale` times the rate), or null for fastText's random start.
   */
  readonly pretrained: PretrainedInit | null;
  /**
   * Average the weights over the last this many epochs (snapshots four times an epoch) and keep
   * the average (0: keep the final weights). Plain SGD on small, noisy data ends wherever its last
   * examples pushed it; the average is steadier.
   */
  readonly averageEpochs: number;
}

/** Weight snapshots taken per averaged epoch. */
const SNAPSHOTS_PER_EPOCH = 4;

/** Defaults: a model of about 16 MB that trains in seconds to a minute. */
export const DEFAULT_FASTTEXT_OPTIONS: FastTextOptions = {
  epochs: 5,
  dim: 32,
  lr: 0.5,
  buckets: 131_072,
  wordNgrams: 2,
  charNgrams: [3, 5],
  lowercase: true,
  seed: 1,
  classWeights: 'balanced',
  maxInputTokens: 512,
  pooling: 'mean',
  pretrained: null,
  averageEpochs: 0,
};

/** Where training is, reported every few thousand examples. */
export interface TrainProgress {
  /** 1-based epoch. */
  readonly epoch: number;
  readonly epochs: number;
  /** Share of this epoch done, 0..1. */
  readonly fraction: number;
  /** Mean training loss so far in this epoch. */
  readonly loss: number;
  /** Current learning rate. */
  readonly lr: number;
  /** `cnn` while the word CNN of a combined model trains (see `trainBagCnn`). */
  readonly stage?: 'cnn';
}

/** What one finished epoch gave. */
export interface EpochReport {
  readonly epoch: number;
  /** Mean (weighted) training loss of the epoch. */
  readonly loss: number;
  /** Dev figures after the epoch, when a dev set was given. */
  readonly dev?: ClassificationMetrics;
  /** True for the report after the last epoch that gives the figures of the averaged weights. */
  readonly averaged?: boolean;
  /**
   * `cnn` for the epochs of the word CNN of a combined model; `dev` is then the figures of the
   * combined model and `cnnDev` those of the CNN alone.
   */
  readonly stage?: 'cnn';
  readonly cnnDev?: ClassificationMetrics;
}

/** Callbacks for a person watching a training run. */
export interface TrainObserver {
  onProgress?(progress: TrainProgress): void;
  onEpoch?(report: EpochReport): void;
}

/** Features of a data set: ids of example i are `ids[offsets[i]..offsets[i+1])`. */
interface EncodedSet {
  readonly ids: Int32Array;
  readonly offsets: Int32Array;
  readonly gold: Int32Array;
}

/**
 * A trained fastText-style classifier: the featurizer, the weights and how training went. It
 * predicts in-process (for dev figures and tests) and turns into the ONNX graph the runtime runs.
 */
export class FastTextModel {
  /** Labels in logit order (sorted). */
  readonly labels: readonly string[];
  /** The featurizer block of `switchboard.json`. */
  readonly featurizer: HashedNgramSpec;
  readonly options: FastTextOptions;
  readonly weights: EmbeddingBagWeights;
  /** One report per epoch, in order. */
  readonly history: readonly EpochReport[];
  /** How the pretrained vectors were used, when there were some. */
  readonly pretrained: PretrainedReport | undefined;
  private readonly encoder: HashedNgramFeaturizer;

  /** @internal built by {@link trainFastText} */
  constructor(
    labels: readonly string[],
    options: FastTextOptions,
    encoder: HashedNgramFeaturizer,
    weights: EmbeddingBagWeights,
    history: EpochReport[],
    pretrained?: PretrainedReport,
  ) {
    this.pretrained = pretrained;
    this.labels = labels;
    this.options = options;
    this.encoder = encoder;
    this.featurizer = encoder.spec;
    this.weights = weights;
    this.history = history;
  }

  /** Dev figures of the last epoch, when a dev set was given. */
  get dev(): ClassificationMetrics | undefined {
    return this.history.at(-1)?.dev;
  }

  /** Logits of one text, computed the way the ONNX graph computes them. */
  logits(text: string): Float32Array {
    const { ids } = this.encoder.encode(text);
    const out = new Float32Array(this.labels.length);
    forward(
      this.weights,
      this.options.pooling,
      Int32Array.from(ids),
      0,
      ids.length,
      new Float64Array(this.weights.dim),
      out,
    );
    return out;
  }

  /** Index (into `labels`) of the best label of each text. */
  predict(texts: readonly string[]): number[] {
    return texts.map((t) => argmax(this.logits(t)));
  }

  /** Accuracy, macro-F1 and the rest on a labelled set whose labels the model knows. */
  evaluate(data: LabelledData): ClassificationMetrics {
    const set = encodeSet(data, this.labels, this.encoder);
    return evaluateSet(this.weights, this.options.pooling, set, this.labels);
  }

  /** The ONNX graph (`input_ids`, `attention_mask` → `logits`). */
  toOnnx(): Uint8Array {
    return buildEmbeddingBagModel(this.weights, { pooling: this.options.pooling });
  }
}

/**
 * Trains a fastText-style classifier (Joulin et al., 2016): texts become hashed word and
 * character n-gram ids, the model averages their embeddings and applies one linear layer, and
 * plain SGD with a linearly decaying learning rate minimises softmax cross-entropy. Single-threaded
 * and seeded, so the same data, options and seed give the same weights byte for byte.
 * @throws InputError for options out of range, fewer than two labels, or dev labels unknown to the training data
 */
export function trainFastText(
  train: LabelledData,
  options: Partial<FastTextOptions> = {},
  dev?: LabelledData,
  observer: TrainObserver = {},
): FastTextModel {
  const opts: FastTextOptions = { ...DEFAULT_FASTTEXT_OPTIONS, ...options };
  checkOptions(opts);
  const labels = labelsOf(train);
  if (labels.length < 2) {
    throw new InputError(
      `${train.file}: a classifier needs at least two labels, the data has only ${labels.map((l) => `"${l}"`).join(', ')}`,
    );
  }
  if (dev) {
    const unknown = labelsOf(dev).filter((l) => !labels.includes(l));
    if (unknown.length > 0) {
      throw new InputError(
        `${dev.file}: label(s) ${unknown.map((l) => `"${l}"`).join(', ')} do not occur in the training data ${train.file}`,
      );
    }
  }
  const featurizer = new HashedNgramFeaturizer(
    {
      type: 'hashed-ngrams',
      buckets: opts.buckets,
      word_ngrams: opts.wordNgrams,
      char_ngrams: opts.charNgrams ? [opts.charNgrams[0], opts.charNgrams[1]] : null,
      lowercase: opts.lowercase,
    },
    opts.maxInputTokens,
  );
  const trainSet = encodeSet(train, labels, featurizer);
  const devSet = dev ? encodeSet(dev, labels, featurizer) : undefined;

  const k = labels.length;
  const { dim, buckets } = opts;
  const random = new SeededRandom(opts.seed);
  const embedding = new Float32Array(buckets * dim);
  // fastText's initialisation: small uniform input vectors, zero output layer. Row 0 is padding.
  for (let i = dim; i < embedding.length; i++) embedding[i] = (random.next() * 2 - 1) / dim;
  // 1 for rows set from pretrained vectors, which learn at `lrScale` times the rate.
  const pretrainedRows = new Uint8Array(buckets);
  const pretrained = opts.pretrained
    ? applyPretrained(embedding, dim, featurizer, opts.pretrained, pretrainedRows)
    : undefined;
  const rowScale = [1, opts.pretrained?.lrScale ?? 1];
  const weights: EmbeddingBagWeights = {
    vocab: buckets,
    dim,
    classes: k,
    embedding,
    weight: new Float32Array(dim * k),
    bias: new Float32Array(k),
  };

  const classWeight = new Float64Array(k).fill(1);
  if (opts.classWeights === 'balanced') {
    const counts = new Float64Array(k);
    for (const g of trainSet.gold) counts[g]!++;
    for (let c = 0; c < k; c++) classWeight[c] = trainSet.gold.length / (k * counts[c]!);
  }

  const n = trainSet.gold.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const hidden = new Float64Array(dim);
  const gradHidden = new Float64Array(dim);
  const logits = new Float32Array(k);
  const probs = new Float64Array(k);
  const grad = new Float64Array(k);
  const total = n * opts.epochs;
  const reportEvery = Math.max(1000, Math.floor(n / 20));
  const history: EpochReport[] = [];
  const { weight, bias } = weights;

  const averaging = new WeightAverage(weights, opts.averageEpochs > 0);
  const firstAveraged = opts.epochs - opts.averageEpochs + 1;
  const snapshotEvery = Math.max(1, Math.floor(n / SNAPSHOTS_PER_EPOCH));
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    random.shuffle(order);
    let lossSum = 0;
    let weightSum = 0;
    for (let step = 0; step < n; step++) {
      const lr = opts.lr * (1 - ((epoch - 1) * n + step) / total);
      const i = order[step]!;
      const start = trainSet.offsets[i]!;
      const end = trainSet.offsets[i + 1]!;
      if (end === start) continue;
      const count = end - start;
      forward(weights, opts.pooling, trainSet.ids, start, end, hidden, logits);
      const y = trainSet.gold[i]!;
      const w = classWeight[y]!;
      softmax(logits, probs);
      lossSum += -w * Math.log(Math.max(probs[y]!, 1e-12));
      weightSum += w;
      for (let c = 0; c < k; c++) grad[c] = w * (probs[c]! - (c === y ? 1 : 0));
      // Gradient at the mean vector, taken before the output layer moves.
      for (let d = 0; d < dim; d++) {
        let s = 0;
        for (let c = 0; c < k; c++) s += weight[d * k + c]! * grad[c]!;
        gradHidden[d] = s;
      }
      for (let d = 0; d < dim; d++) {
        const h = lr * hidden[d]!;
        for (let c = 0; c < k; c++) weight[d * k + c]! -= h * grad[c]!;
      }
      for (let c = 0; c < k; c++) bias[c]! -= lr * grad[c]!;
      const scale = lr * poolingScale(count, opts.pooling);
      for (let j = start; j < end; j++) {
        const id = trainSet.ids[j]!;
        const rowRate = scale * rowScale[pretrainedRows[id]!]!;
        if (rowRate === 0) continue;
        const row = id * dim;
        for (let d = 0; d < dim; d++) embedding[row + d]! -= rowRate * gradHidden[d]!;
      }
      if (epoch >= firstAveraged && (step + 1) % snapshotEvery === 0) averaging.add();
      if ((step + 1) % reportEvery === 0) {
        observer.onProgress?.({
          epoch,
          epochs: opts.epochs,
          fraction: (step + 1) / n,
          loss: lossSum / Math.max(weightSum, 1e-12),
          lr,
        });
      }
    }
    const report: EpochReport = {
      epoch,
      loss: lossSum / Math.max(weightSum, 1e-12),
      ...(devSet ? { dev: evaluateSet(weights, opts.pooling, devSet, labels) } : {}),
    };
    history.push(report);
    observer.onEpoch?.(report);
  }
  if (averaging.apply()) {
    const report: EpochReport = {
      epoch: opts.epochs,
      loss: history.at(-1)!.loss,
      averaged: true,
      ...(devSet ? { dev: evaluateSet(weights, opts.pooling, devSet, labels) } : {}),
    };
    history.push(report);
    observer.onEpoch?.(report);
  }
  return new FastTextModel(labels, opts, featurizer, weights, history, pretrained);
}

function checkOptions(o: FastTextOptions): void {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new InputError(`${name} must be a positive integer, got ${v}`);
  };
  positiveInt('epochs', o.epochs);
  positiveInt('dim', o.dim);
  positiveInt('wordNgrams', o.wordNgrams);
  positiveInt('maxInputTokens', o.maxInputTokens);
  if (!Number.isInteger(o.averageEpochs) || o.averageEpochs < 0 || o.averageEpochs > o.epochs) {
    throw new InputError(
      `averageEpochs must be an integer from 0 to epochs (${o.epochs}), got ${o.averageEpochs}`,
    );
  }
  if (!Number.isInteger(o.buckets) || o.buckets < 2)
    throw new InputError(`buckets must be an integer >= 2, got ${o.buckets}`);
  if (o.wordNgrams > 5) throw new InputError(`wordNgrams must be at most 5, got ${o.wordNgrams}`);
  if (!(o.lr > 0 && Number.isFinite(o.lr))) throw new InputError(`lr must be a positive number, got ${o.lr}`);
  if (!Number.isInteger(o.seed)) throw new InputError(`seed must be an integer, got ${o.seed}`);
  if (o.pooling !== 'mean' && o.pooling !== 'sqrt') {
    throw new InputError(`pooling must be "mean" or "sqrt", got ${String(o.pooling)}`);
  }
  if (o.classWeights !== 'balanced' && o.classWeights !== 'none') {
    throw new InputError(`classWeights must be "balanced" or "none", got ${String(o.classWeights)}`);
  }
  if (o.pretrained) {
    const { norm, lrScale } = o.pretrained;
    if (!(norm > 0 && Number.isFinite(norm))) {
      throw new InputError(`pretrained norm must be a positive number, got ${norm}`);
    }
    if (!(lrScale >= 0 && Number.isFinite(lrScale))) {
      throw new InputError(`pretrained lrScale must be a number >= 0, got ${lrScale}`);
    }
  }
  if (o.charNgrams) {
    const [min, max] = o.charNgrams;
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min) {
      throw new InputError(`charNgrams must be two integers 1 <= min <= max, got ${min},${max}`);
    }
  }
  // The embedding table is one Float32Array and one ONNX tensor; keep it well inside both limits.
  if (o.buckets * o.dim > 2 ** 29) {
    throw new InputError(`buckets * dim = ${o.buckets * o.dim} is too large (at most ${2 ** 29} weights)`);
  }
}

/** A running sum of weight snapshots, for {@link FastTextOptions.averageEpochs}. */
class WeightAverage {
  private readonly sums: Float64Array[];
  private count = 0;

  constructor(
    private readonly weights: EmbeddingBagWeights,
    enabled: boolean,
  ) {
    const parts = [weights.embedding, weights.weight, weights.bias];
    this.sums = enabled ? parts.map((p) => new Float64Array(p.length)) : [];
  }

  add(): void {
    if (this.sums.length === 0) return;
    const parts = [this.weights.embedding, this.weights.weight, this.weights.bias];
    parts.forEach((p, i) => {
      const sum = this.sums[i]!;
      for (let x = 0; x < p.length; x++) sum[x]! += p[x]!;
    });
    this.count++;
  }

  /** Replaces the weights by the average; false when there was nothing to average. */
  apply(): boolean {
    if (this.count === 0) return false;
    const parts = [this.weights.embedding, this.weights.weight, this.weights.bias];
    parts.forEach((p, i) => {
      const sum = this.sums[i]!;
      for (let x = 0; x < p.length; x++) p[x] = sum[x]! / this.count;
    });
    return true;
  }
}

function encodeSet(
  data: LabelledData,
  labels: readonly string[],
  featurizer: HashedNgramFeaturizer,
): EncodedSet {
  const index = new Map(labels.map((l, i) => [l, i]));
  const gold = new Int32Array(data.examples.length);
  const offsets = new Int32Array(data.examples.length + 1);
  const chunks: (readonly number[])[] = [];
  let length = 0;
  data.examples.forEach((e, i) => {
    const g = index.get(e.label);
    if (g === undefined) throw new InputError(`${data.file}:${e.line}: unknown label "${e.label}"`);
    gold[i] = g;
    const { ids } = featurizer.encode(e.text);
    chunks.push(ids);
    length += ids.length;
    offsets[i + 1] = length;
  });
  const ids = new Int32Array(length);
  for (const [i, c] of chunks.entries()) ids.set(c, offsets[i]!);
  return { ids, offsets, gold };
}

function evaluateSet(
  w: EmbeddingBagWeights,
  pooling: Pooling,
  set: EncodedSet,
  labels: readonly string[],
): ClassificationMetrics {
  const hidden = new Float64Array(w.dim);
  const logits = new Float32Array(w.classes);
  const predicted = new Int32Array(set.gold.length);
  for (let i = 0; i < set.gold.length; i++) {
    forward(w, pooling, set.ids, set.offsets[i]!, set.offsets[i + 1]!, hidden, logits);
    predicted[i] = argmax(logits);
  }
  return computeMetrics(labels, set.gold, predicted);
}

/** Pooled embeddings of `ids[start..end)` into `hidden`, then the linear layer into `logits`. */
function forward(
  w: EmbeddingBagWeights,
  pooling: Pooling,
  ids: Int32Array,
  start: number,
  end: number,
  hidden: Float64Array,
  logits: Float32Array,
): void {
  const { dim, classes: k, embedding, weight, bias } = w;
  hidden.fill(0);
  for (let j = start; j < end; j++) {
    const row = ids[j]! * dim;
    for (let d = 0; d < dim; d++) hidden[d]! += embedding[row + d]!;
  }
  // Like the graph, an empty text pools to zeros and gives the bias alone.
  const inv = poolingScale(end - start, pooling);
  for (let d = 0; d < dim; d++) hidden[d]! *= inv;
  for (let c = 0; c < k; c++) {
    let s = bias[c]!;
    for (let d = 0; d < dim; d++) s += hidden[d]! * weight[d * k + c]!;
    logits[c] = s;
  }
}

/** Softmax of `logits` written into `out` (returned). */
function softmax(logits: Float32Array, out: Float64Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  for (let c = 0; c < logits.length; c++) {
    out[c] = Math.exp(logits[c]! - max);
    sum += out[c]!;
  }
  for (let c = 0; c < logits.length; c++) out[c]! /= sum;
  return out;
}

/** Index of the largest value; the first one on ties, like the runtime's stable ranking. */
function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
