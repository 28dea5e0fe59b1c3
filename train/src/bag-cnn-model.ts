import { HashedNgramFeaturizer, type HashedNgramSpec, InputError, splitWords } from '@switchboard/core';
import {
  type EpochReport,
  type FastTextModel,
  type FastTextOptions,
  type TrainObserver,
  trainFastText,
} from './fasttext-trainer.js';
import type { ClassificationMetrics } from './metrics.js';
import { buildBagCnnModel, type WordCnnWeights } from './onnx/word-cnn-model.js';
import { projectVectors } from './pretrained-init.js';
import { SeededRandom } from './seeded-random.js';
import type { LabelledData } from './tsv-data.js';
import {
  checkWordCnnOptions,
  DEFAULT_WORD_CNN_OPTIONS,
  metricsOfLogits,
  trainWordCnn,
  type WordCnnOptions,
  type WordSequences,
  wordCnnLogits,
} from './word-cnn-trainer.js';

/** Name of the vocabulary file a combined model folder holds. */
export const SEQUENCE_VOCABULARY_FILE = 'vocab.txt';

/** Training words without a pretrained vector join the vocabulary from this many occurrences. */
const MIN_COUNT_WITHOUT_VECTOR = 2;

/** How the CNN's word table was started, for the `training` block of `switchboard.json`. */
export interface SequenceVocabularyReport {
  /** Words in `vocab.txt`. */
  readonly words: number;
  /** Of them, rows started from a pretrained vector (the rest from small random numbers). */
  readonly pretrainedRows: number;
  readonly projection: 'pca' | 'copy' | 'none';
}

/**
 * A bag-of-n-grams model and a word CNN trained on the same data, run as one graph whose logits
 * mix the two models' log-probabilities (see `buildBagCnnModel`). The bag reads every n-gram
 * but no order beyond word pairs; the CNN reads windows of words whose vectors carry what
 * pretrained embeddings know about words the training data never showed.
 */
export class BagCnnModel {
  readonly labels: readonly string[];
  /** The featurizer block of `switchboard.json`, naming {@link SEQUENCE_VOCABULARY_FILE}. */
  readonly featurizer: HashedNgramSpec;
  /** Words of `vocab.txt` in order (line N is word id N). */
  readonly vocabulary: readonly string[];
  readonly cnnOptions: WordCnnOptions;
  readonly vocabularyReport: SequenceVocabularyReport;
  /** Bag epochs, then CNN epochs (whose `dev` is the combined model's). */
  readonly history: readonly EpochReport[];
  private readonly encoder: HashedNgramFeaturizer;

  /** @internal built by {@link trainBagCnn} */
  constructor(
    readonly bag: FastTextModel,
    readonly cnn: WordCnnWeights,
    encoder: HashedNgramFeaturizer,
    vocabulary: readonly string[],
    cnnOptions: WordCnnOptions,
    vocabularyReport: SequenceVocabularyReport,
    history: EpochReport[],
  ) {
    this.labels = bag.labels;
    this.encoder = encoder;
    this.featurizer = encoder.spec;
    this.vocabulary = vocabulary;
    this.cnnOptions = cnnOptions;
    this.vocabularyReport = vocabularyReport;
    this.history = history;
  }

  /** The bag's options (featurizer, pooling, pretrained start of its rows...). */
  get options(): FastTextOptions {
    return this.bag.options;
  }

  /** Dev figures of the combined model, when a dev set was given. */
  get dev(): ClassificationMetrics | undefined {
    return this.history.at(-1)?.dev;
  }

  /** Logits of one text, computed the way the ONNX graph computes them. */
  logits(text: string): Float32Array {
    const words = wordSequences([text], this.encoder, [0]);
    return mix(this.bag.logits(text), wordCnnLogits(this.cnn, words), this.cnnOptions.weight);
  }

  /** The ONNX graph (`input_ids`, `attention_mask` → `logits`). */
  toOnnx(): Uint8Array {
    return buildBagCnnModel(this.bag.weights, this.cnn, {
      pooling: this.bag.options.pooling,
      offset: this.featurizer.buckets,
      cnnWeight: this.cnnOptions.weight,
    });
  }
}

/** Pretrained vectors for the CNN's word table: those of `readWordVectorsFor`. */
export interface CnnVectors {
  readonly words: readonly string[];
  readonly vectors: Float32Array;
  readonly dim: number;
}

/**
 * Trains the bag (exactly as `trainFastText` would) and then a word CNN over a vocabulary of the
 * training words and the first `vocabTop` words of `vectors`, and joins them.
 * @throws InputError for options out of range or data the bag trainer refuses
 */
export function trainBagCnn(
  train: LabelledData,
  bagOptions: Partial<FastTextOptions>,
  cnnOptions: Partial<WordCnnOptions>,
  vectors: CnnVectors | null,
  dev?: LabelledData,
  observer: TrainObserver = {},
): BagCnnModel {
  const cnnOpts: WordCnnOptions = { ...DEFAULT_WORD_CNN_OPTIONS, ...cnnOptions };
  checkWordCnnOptions(cnnOpts);
  const bag = trainFastText(train, bagOptions, dev, observer);
  const { lowercase, maxInputTokens, seed, classWeights } = bag.options;
  const vocab = chooseVocabulary(train, vectors, cnnOpts.vocabTop, lowercase);
  if (vocab.words.length === 0) {
    throw new InputError(`${train.file}: no word occurs often enough to train the word CNN`);
  }
  const encoder = new HashedNgramFeaturizer(
    { ...bag.featurizer, sequence_vocabulary: SEQUENCE_VOCABULARY_FILE },
    maxInputTokens,
    vocab.words,
  );
  const { table, report } = startingTable(vocab, vectors, cnnOpts.dim, seed);
  const labels = bag.labels;
  const trainSet = wordSequences(
    train.examples.map((e) => e.text),
    encoder,
    train.examples.map((e) => labels.indexOf(e.label)),
  );
  const classWeight = new Float64Array(labels.length).fill(1);
  if (classWeights === 'balanced') {
    const counts = new Float64Array(labels.length);
    for (const g of trainSet.gold) counts[g]!++;
    for (let c = 0; c < labels.length; c++)
      classWeight[c] = trainSet.gold.length / (labels.length * counts[c]!);
  }
  const devSet = dev
    ? wordSequences(
        dev.examples.map((e) => e.text),
        encoder,
        dev.examples.map((e) => labels.indexOf(e.label)),
      )
    : undefined;
  const devBag = dev ? dev.examples.map((e) => bag.logits(e.text)) : [];
  const history: EpochReport[] = [...bag.history];
  const cnn = trainWordCnn(
    trainSet,
    cnnOpts,
    { classes: labels.length, embedding: table, classWeight, seed },
    {
      onProgress: (p) => observer.onProgress?.({ ...p, lr: cnnOpts.lr, stage: 'cnn' }),
      onEpoch: (epoch, loss, weights) => {
        let figures: Pick<EpochReport, 'dev' | 'cnnDev'> = {};
        if (devSet) {
          const alone = wordCnnLogits(weights, devSet);
          const k = labels.length;
          const mixed = new Float32Array(alone.length);
          for (const [i, b] of devBag.entries()) {
            mixed.set(mix(b, alone.subarray(i * k, i * k + k), cnnOpts.weight), i * k);
          }
          figures = {
            dev: metricsOfLogits(mixed, devSet.gold, labels),
            cnnDev: metricsOfLogits(alone, devSet.gold, labels),
          };
        }
        const r: EpochReport = { epoch, loss, stage: 'cnn', ...figures };
        history.push(r);
        observer.onEpoch?.(r);
      },
    },
  );
  return new BagCnnModel(bag, cnn, encoder, vocab.words, cnnOpts, report, history);
}

interface Vocabulary {
  readonly words: string[];
  /** Row of each word in the vectors, -1 without one. */
  readonly vectorRow: Int32Array;
}

/**
 * Training words that have a vector or occur at least twice, most frequent first, then the first
 * `top` words of the vectors file not yet in, so that words met only at inference still carry
 * what their vectors know. Every word is one word as the featurizer splits and normalises.
 */
function chooseVocabulary(
  train: LabelledData,
  vectors: CnnVectors | null,
  top: number,
  lowercase: boolean,
): Vocabulary {
  const rowOf = new Map<string, number>();
  vectors?.words.forEach((raw, i) => {
    const split = splitWords(raw, lowercase);
    if (split.length === 1 && !rowOf.has(split[0]!)) rowOf.set(split[0]!, i);
  });
  const counts = new Map<string, number>();
  for (const e of train.examples)
    for (const w of splitWords(e.text, lowercase)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts]
    .filter(([w, n]) => rowOf.has(w) || n >= MIN_COUNT_WITHOUT_VECTOR)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([w]) => w);
  const chosen = new Set(words);
  let extra = 0;
  for (const [word] of [...rowOf].sort((a, b) => a[1] - b[1])) {
    if (extra >= top) break;
    if (chosen.has(word)) continue;
    chosen.add(word);
    words.push(word);
    extra++;
  }
  return { words, vectorRow: Int32Array.from(words, (w) => rowOf.get(w) ?? -1) };
}

/**
 * The CNN's starting word table: row 0 (unknown word) zeros, rows with a vector its projection
 * to `dim` scaled to mean length 1, the others small random numbers.
 */
function startingTable(
  vocab: Vocabulary,
  vectors: CnnVectors | null,
  dim: number,
  seed: number,
): { table: Float32Array; report: SequenceVocabularyReport } {
  const table = new Float32Array((vocab.words.length + 1) * dim);
  // A seed of its own, so the bag's and the CNN's random numbers do not depend on each other.
  const random = new SeededRandom(seed ^ 0x5bd1e995);
  const spread = 1 / Math.sqrt(dim);
  for (let i = dim; i < table.length; i++) table[i] = (random.next() * 2 - 1) * spread;
  const withVector: number[] = [];
  const rows: number[] = [];
  vocab.vectorRow.forEach((row, i) => {
    if (row >= 0) {
      withVector.push(i + 1);
      rows.push(row);
    }
  });
  if (!vectors || rows.length === 0) {
    return { table, report: { words: vocab.words.length, pretrainedRows: 0, projection: 'none' } };
  }
  const { rows: projected, projection } = projectVectors(vectors.vectors, vectors.dim, rows, dim, 1);
  const width = Math.min(dim, vectors.dim);
  withVector.forEach((id, r) => {
    for (let c = 0; c < width; c++) table[id * dim + c] = projected[r * width + c]!;
    for (let c = width; c < dim; c++) table[id * dim + c] = 0;
  });
  return { table, report: { words: vocab.words.length, pretrainedRows: rows.length, projection } };
}

/** The word ids (sequence ids less `buckets`) of each text, as the graph's CNN branch reads them. */
function wordSequences(
  texts: readonly string[],
  encoder: HashedNgramFeaturizer,
  gold: readonly number[],
): WordSequences {
  const offsets = new Int32Array(texts.length + 1);
  const chunks: number[][] = [];
  let length = 0;
  const { buckets } = encoder.spec;
  texts.forEach((text, i) => {
    const words = encoder
      .encode(text)
      .ids.filter((id) => id >= buckets)
      .map((id) => id - buckets);
    chunks.push(words);
    length += words.length;
    offsets[i + 1] = length;
  });
  const ids = new Int32Array(length);
  for (const [i, c] of chunks.entries()) ids.set(c, offsets[i]!);
  return { ids, offsets, gold: Int32Array.from(gold) };
}

/** `(1 - weight) * logSoftmax(bag) + weight * logSoftmax(cnn)`, as the graph mixes them. */
function mix(bag: ArrayLike<number>, cnn: ArrayLike<number>, weight: number): Float32Array {
  const a = logSoftmax(bag);
  const b = logSoftmax(cnn);
  return Float32Array.from(a, (v, c) => (1 - weight) * v + weight * b[c]!);
}

function logSoftmax(x: ArrayLike<number>): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) max = Math.max(max, x[i]!);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.exp(x[i]! - max);
  const log = Math.log(sum) + max;
  return Float64Array.from({ length: x.length }, (_, i) => x[i]! - log);
}
