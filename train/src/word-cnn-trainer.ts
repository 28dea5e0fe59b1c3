import { InputError } from '@switchboard/core';
import { type ClassificationMetrics, computeMetrics } from './metrics.js';
import type { WordCnnWeights } from './onnx/word-cnn-model.js';
import { SeededRandom } from './seeded-random.js';

/** Hyper-parameters of {@link trainWordCnn}. Every field is recorded in the model folder. */
export interface WordCnnOptions {
  /** Passes over the training data. */
  readonly epochs: number;
  /** Word embedding width (pretrained vectors are reduced to it by PCA). */
  readonly dim: number;
  /** Words a filter spans (at least 2). */
  readonly width: number;
  /** Number of filters. */
  readonly filters: number;
  /** Adam's step size for the filters and the output layer. */
  readonly lr: number;
  /** SGD rate of the word embeddings (0 keeps them as they started). */
  readonly embeddingLr: number;
  /** Share of pooled features dropped at random in training. */
  readonly dropout: number;
  /** Examples per Adam step. */
  readonly batchSize: number;
  /** Besides the training words, the first this many words of the vectors file. */
  readonly vocabTop: number;
  /** Weight of the CNN in the combined model (the bag gets the rest). */
  readonly weight: number;
}

/** Defaults: the settings the shipped models were tuned around on dev. */
export const DEFAULT_WORD_CNN_OPTIONS: WordCnnOptions = {
  epochs: 3,
  dim: 50,
  width: 3,
  filters: 100,
  lr: 0.001,
  embeddingLr: 0.02,
  dropout: 0.5,
  batchSize: 32,
  vocabTop: 30_000,
  weight: 0.5,
};

/** Word ids of a data set (0 = unknown): example i is `ids[offsets[i]..offsets[i+1])`. */
export interface WordSequences {
  readonly ids: Int32Array;
  readonly offsets: Int32Array;
  readonly gold: Int32Array;
}

/** What the CNN trainer needs besides the data: fixed by the caller, not searched. */
export interface WordCnnSetup {
  readonly classes: number;
  /** Starting word table, `[vocab, dim]`; row 0 must be zeros (the unknown word). */
  readonly embedding: Float32Array;
  /** Per-label loss weight (1 for all, or balanced). */
  readonly classWeight: Float64Array;
  readonly seed: number;
}

/** Progress of the CNN stage, every few percent of an epoch. */
export interface WordCnnProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly fraction: number;
  readonly loss: number;
}

/** Callbacks of {@link trainWordCnn}. */
export interface WordCnnObserver {
  onProgress?(p: WordCnnProgress): void;
  /** After each epoch, with the weights as they are (the caller scores dev with them). */
  onEpoch?(epoch: number, loss: number, weights: WordCnnWeights): void;
}

/**
 * Trains a word CNN (Kim, 2014): words looked up in a table that starts from pretrained vectors,
 * one convolution of `width` words with ReLU, max over the text, dropout, a linear layer and
 * softmax cross-entropy. The filters and output layer learn with Adam on mini-batches, the word
 * rows a window's max touched with plain SGD at `embeddingLr`. Single-threaded and seeded: the
 * same inputs give the same weights byte for byte.
 */
export function trainWordCnn(
  set: WordSequences,
  options: WordCnnOptions,
  setup: WordCnnSetup,
  observer: WordCnnObserver = {},
): WordCnnWeights {
  checkWordCnnOptions(options);
  const { dim, width, filters } = options;
  const k = setup.classes;
  const random = new SeededRandom(setup.seed);
  const span = width * dim;
  const w: WordCnnWeights = {
    vocab: setup.embedding.length / dim,
    dim,
    width,
    filters,
    classes: k,
    embedding: setup.embedding,
    conv: glorot(random, filters * span, span, filters),
    convBias: new Float32Array(filters),
    weight: glorot(random, filters * k, filters, k),
    bias: new Float32Array(k),
  };
  const adam = new Adam([w.conv, w.convBias, w.weight, w.bias], options.lr);
  const [gConv, gConvBias, gWeight, gBias] = adam.grads as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const state = new CnnScratch(w, maxLength(set));
  const keep = new Float32Array(filters);
  const probs = new Float64Array(k);
  const n = set.gold.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const reportEvery = Math.max(1000, Math.floor(n / 20));
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    random.shuffle(order);
    let lossSum = 0;
    let weightSum = 0;
    for (let first = 0; first < n; first += options.batchSize) {
      adam.zero();
      const last = Math.min(n, first + options.batchSize);
      for (let step = first; step < last; step++) {
        const i = order[step]!;
        const start = set.offsets[i]!;
        const end = set.offsets[i + 1]!;
        state.forward(set.ids, start, end);
        for (let f = 0; f < filters; f++) {
          keep[f] = random.next() < options.dropout ? 0 : 1 / (1 - options.dropout);
        }
        state.output(keep, probs);
        const y = set.gold[i]!;
        const cw = setup.classWeight[y]!;
        lossSum -= cw * Math.log(Math.max(probs[y]!, 1e-12));
        weightSum += cw;
        for (let c = 0; c < k; c++) probs[c] = cw * (probs[c]! - (c === y ? 1 : 0));
        for (let c = 0; c < k; c++) gBias[c]! += probs[c]!;
        for (let f = 0; f < filters; f++) {
          const p = state.pooled[f]! * keep[f]!;
          if (p === 0) continue;
          for (let c = 0; c < k; c++) gWeight[f * k + c]! += p * probs[c]!;
        }
        for (let f = 0; f < filters; f++) {
          const at = state.argmax[f]!;
          if (at < 0 || keep[f] === 0) continue;
          let g = 0;
          for (let c = 0; c < k; c++) g += probs[c]! * w.weight[f * k + c]!;
          g *= keep[f]!;
          gConvBias[f]! += g;
          const x = at * dim;
          const row = f * span;
          for (let j = 0; j < span; j++) gConv[row + j]! += g * state.x[x + j]!;
          if (options.embeddingLr === 0) continue;
          for (let p = 0; p < width; p++) {
            const word = state.words[at + p]!;
            if (word <= 0) continue;
            const rate = options.embeddingLr * g;
            const filterRow = row + p * dim;
            for (let d = 0; d < dim; d++) w.embedding[word * dim + d]! -= rate * w.conv[filterRow + d]!;
          }
        }
        if ((step + 1) % reportEvery === 0) {
          observer.onProgress?.({
            epoch,
            epochs: options.epochs,
            fraction: (step + 1) / n,
            loss: lossSum / Math.max(weightSum, 1e-12),
          });
        }
      }
      adam.step(last - first);
    }
    observer.onEpoch?.(epoch, lossSum / Math.max(weightSum, 1e-12), w);
  }
  return w;
}

/** Logits of every example of `set` under `w`, `[examples, classes]`. */
export function wordCnnLogits(w: WordCnnWeights, set: Pick<WordSequences, 'ids' | 'offsets'>): Float32Array {
  const examples = set.offsets.length - 1;
  const out = new Float32Array(examples * w.classes);
  const state = new CnnScratch(w, maxLength(set));
  const keep = new Float32Array(w.filters).fill(1);
  const logits = new Float64Array(w.classes);
  for (let i = 0; i < examples; i++) {
    state.forward(set.ids, set.offsets[i]!, set.offsets[i + 1]!);
    state.logits(keep, logits);
    for (let c = 0; c < w.classes; c++) out[i * w.classes + c] = logits[c]!;
  }
  return out;
}

/** Figures of `logits` (`[examples, classes]`) against the gold labels. */
export function metricsOfLogits(
  logits: Float32Array,
  gold: Int32Array,
  labels: readonly string[],
): ClassificationMetrics {
  const k = labels.length;
  const predicted = new Int32Array(gold.length);
  for (let i = 0; i < gold.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (logits[i * k + c]! > logits[i * k + best]!) best = c;
    predicted[i] = best;
  }
  return computeMetrics(labels, gold, predicted);
}

/** @throws InputError naming the option out of range */
export function checkWordCnnOptions(o: WordCnnOptions): void {
  const positiveInt = (name: string, v: number, min = 1) => {
    if (!Number.isInteger(v) || v < min)
      throw new InputError(`cnn ${name} must be an integer >= ${min}, got ${v}`);
  };
  positiveInt('epochs', o.epochs);
  positiveInt('dim', o.dim);
  positiveInt('width', o.width, 2);
  positiveInt('filters', o.filters);
  positiveInt('batchSize', o.batchSize);
  positiveInt('vocabTop', o.vocabTop, 0);
  if (!(o.lr > 0 && Number.isFinite(o.lr)))
    throw new InputError(`cnn lr must be a positive number, got ${o.lr}`);
  if (!(o.embeddingLr >= 0 && Number.isFinite(o.embeddingLr))) {
    throw new InputError(`cnn embeddingLr must be a number >= 0, got ${o.embeddingLr}`);
  }
  if (!(o.dropout >= 0 && o.dropout < 1))
    throw new InputError(`cnn dropout must be in [0, 1), got ${o.dropout}`);
  if (!(o.weight > 0 && o.weight < 1))
    throw new InputError(`cnn weight must be between 0 and 1, got ${o.weight}`);
}

function maxLength(set: Pick<WordSequences, 'offsets'>): number {
  let most = 0;
  for (let i = 1; i < set.offsets.length; i++) most = Math.max(most, set.offsets[i]! - set.offsets[i - 1]!);
  return most;
}

/** Glorot-uniform weights. */
function glorot(random: SeededRandom, size: number, fanIn: number, fanOut: number): Float32Array {
  const bound = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (random.next() * 2 - 1) * bound;
  return out;
}

/** The buffers of one forward pass, sized for the longest text. */
class CnnScratch {
  /** Padded word ids of the current text (-1 for padding). */
  readonly words: Int32Array;
  /** Their vectors, `[padded length, dim]`. */
  readonly x: Float32Array;
  readonly pooled: Float32Array;
  /** Window each filter's max came from, -1 when no window was positive. */
  readonly argmax: Int32Array;

  constructor(
    private readonly w: WordCnnWeights,
    longest: number,
  ) {
    const padded = longest + 2 * (w.width - 1);
    this.words = new Int32Array(padded);
    this.x = new Float32Array(padded * w.dim);
    this.pooled = new Float32Array(w.filters);
    this.argmax = new Int32Array(w.filters);
  }

  /** Pools the filters over the windows of `ids[start..end)` padded with `width - 1` on each side. */
  forward(ids: Int32Array, start: number, end: number): void {
    const { dim, width, filters, embedding, conv, convBias } = this.w;
    const side = width - 1;
    const n = end - start;
    const padded = n + 2 * side;
    this.words.fill(-1, 0, padded);
    this.x.fill(0, 0, padded * dim);
    for (let i = 0; i < n; i++) {
      const word = ids[start + i]!;
      this.words[side + i] = word;
      if (word > 0) this.x.set(embedding.subarray(word * dim, word * dim + dim), (side + i) * dim);
    }
    const span = width * dim;
    // An empty text has no window with a word in it: it pools to zeros, as in the graph.
    const windows = n === 0 ? 0 : n + side;
    this.pooled.fill(0);
    this.argmax.fill(-1);
    const xs = this.x;
    // Four filters at a time share each load of the window: about twice as fast in V8 as one.
    let f = 0;
    for (; f + 4 <= filters; f += 4) {
      const r0 = f * span;
      const r1 = r0 + span;
      const r2 = r1 + span;
      const r3 = r2 + span;
      for (let t = 0; t < windows; t++) {
        let s0 = convBias[f]!;
        let s1 = convBias[f + 1]!;
        let s2 = convBias[f + 2]!;
        let s3 = convBias[f + 3]!;
        const x = t * dim;
        for (let j = 0; j < span; j++) {
          const v = xs[x + j]!;
          s0 += conv[r0 + j]! * v;
          s1 += conv[r1 + j]! * v;
          s2 += conv[r2 + j]! * v;
          s3 += conv[r3 + j]! * v;
        }
        this.keepBest(f, s0, t);
        this.keepBest(f + 1, s1, t);
        this.keepBest(f + 2, s2, t);
        this.keepBest(f + 3, s3, t);
      }
    }
    for (; f < filters; f++) {
      const row = f * span;
      for (let t = 0; t < windows; t++) {
        let s = convBias[f]!;
        const x = t * dim;
        for (let j = 0; j < span; j++) s += conv[row + j]! * xs[x + j]!;
        this.keepBest(f, s, t);
      }
    }
  }

  /** ReLU then max: a window's value replaces the filter's best only when larger (and > 0). */
  private keepBest(f: number, value: number, t: number): void {
    if (value > this.pooled[f]!) {
      this.pooled[f] = value;
      this.argmax[f] = t;
    }
  }

  /** Logits of the pooled features scaled by `keep` (dropout), into `out`. */
  logits(keep: Float32Array, out: Float64Array): void {
    const { filters, classes: k, weight, bias } = this.w;
    for (let c = 0; c < k; c++) {
      let s = bias[c]!;
      for (let f = 0; f < filters; f++) s += this.pooled[f]! * keep[f]! * weight[f * k + c]!;
      out[c] = s;
    }
  }

  /** Softmax of {@link logits} into `out`. */
  output(keep: Float32Array, out: Float64Array): void {
    this.logits(keep, out);
    let max = Number.NEGATIVE_INFINITY;
    for (const v of out) max = Math.max(max, v);
    let sum = 0;
    for (let c = 0; c < out.length; c++) {
      out[c] = Math.exp(out[c]! - max);
      sum += out[c]!;
    }
    for (let c = 0; c < out.length; c++) out[c]! /= sum;
  }
}

/** Adam (Kingma and Ba, 2015) over a few flat parameter arrays, with gradient buffers. */
class Adam {
  readonly grads: Float32Array[];
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private t = 0;

  constructor(
    private readonly params: Float32Array[],
    private readonly lr: number,
  ) {
    this.grads = params.map((p) => new Float32Array(p.length));
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }

  zero(): void {
    for (const g of this.grads) g.fill(0);
  }

  /** One step with the mean of the gradients accumulated over `count` examples. */
  step(count: number): void {
    this.t++;
    const b1 = 0.9;
    const b2 = 0.999;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    this.params.forEach((p, i) => {
      const g = this.grads[i]!;
      const m = this.m[i]!;
      const v = this.v[i]!;
      for (let j = 0; j < p.length; j++) {
        const gj = g[j]! / count;
        m[j] = b1 * m[j]! + (1 - b1) * gj;
        v[j] = b2 * v[j]! + (1 - b2) * gj * gj;
        p[j]! -= (this.lr * (m[j]! / c1)) / (Math.sqrt(v[j]! / c2) + 1e-8);
      }
    });
  }
}
