import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '@switchboard/core';
import {
  DEFAULT_FASTTEXT_OPTIONS,
  DEFAULT_WORD_CNN_OPTIONS,
  describeSkipped,
  describeWordVectors,
  type FastTextOptions,
  readLabelledTsv,
  readWordVectorsFor,
  type TrainedModel,
  type TrainObserver,
  trainBagCnn,
  trainFastText,
  type WordCnnOptions,
  type WordVectors,
  writeTrainedModel,
} from '@switchboard/train';
import type { Command } from 'commander';
import { formatBytes } from '../format-bytes.js';
import { formatMetrics } from '../format-metrics.js';

/** Options of `switchboard train`, as commander parses them (numbers still strings). */
export interface TrainCommandOptions {
  data: string;
  dev?: string;
  out: string;
  epochs?: string;
  dim?: string;
  lr?: string;
  buckets?: string;
  wordNgrams?: string;
  charNgrams?: string;
  pooling?: string;
  classWeights?: string;
  maxInputTokens?: string;
  lowercase: boolean;
  seed?: string;
  averageEpochs?: string;
  version?: string;
  description?: string;
  alertLabels?: string;
  pretrained?: string;
  pretrainedTop?: string;
  pretrainedNorm?: string;
  pretrainedLrScale?: string;
  cnn: boolean;
  cnnVectors?: string;
  cnnEpochs?: string;
  cnnDim?: string;
  cnnWidth?: string;
  cnnFilters?: string;
  cnnLr?: string;
  cnnEmbeddingLr?: string;
  cnnDropout?: string;
  cnnVocabTop?: string;
  cnnWeight?: string;
}

/** Pretrained-vector settings from the command line; the file is read once the data is. */
export interface PretrainedSettings {
  readonly file: string;
  readonly top: number;
  readonly norm: number;
  readonly lrScale: number;
}

const D = DEFAULT_FASTTEXT_OPTIONS;
const C = DEFAULT_WORD_CNN_OPTIONS;

const HELP = `
Data:
  UTF-8 text files with a header line "label<TAB>text", then one example a line. Malformed lines
  (no tab, empty label or text) are skipped and listed on stderr. Labels are taken from --data;
  --dev may only use those labels.

The model:
  fastText-style: hashed word n-grams (--word-ngrams) and character n-grams (--char-ngrams) of
  each text are looked up in an embedding table of --buckets rows and --dim columns, pooled, and
  a linear layer gives one logit per label. SGD with a learning rate decaying linearly from --lr
  to 0. The model file holds about buckets * dim * 4 bytes (default ${formatBytes(D.buckets * D.dim * 4)}).
  Same data, options and --seed give a byte-identical model.onnx.

Pretrained word vectors:
  --pretrained FILE starts the row of each word (its unigram hash bucket) from a word vector
  instead of random numbers, then trains as usual. FILE is in the fastText/word2vec text format
  (optional "count dim" header, then "word v1 ... vd" a line). The vectors of the training words
  and of the file's first --pretrained-top words are used; wider vectors are reduced to --dim by
  PCA. The model folder and the runtime are the same as without; switchboard.json records the
  file's name and SHA-256. See models/README.md for converting GloVe vectors.

Word CNN (--cnn):
  Also trains a convolutional network over the words in order (Kim, 2014): each word is looked
  up in a table of --cnn-dim columns, --cnn-filters filters of --cnn-width words slide over the
  text, each keeps its largest value, and a linear layer gives logits. The table starts from
  --cnn-vectors (same .vec format, reduced by PCA) for the training words and the file's first
  --cnn-vocab-top words; training words without a vector that occur twice start random. Filters
  learn with Adam (--cnn-lr), words with SGD (--cnn-embedding-lr, 0 keeps the vectors). The model
  folder then holds vocab.txt too, and its graph runs both models and mixes their
  log-probabilities (--cnn-weight for the CNN). It reads word order the bag cannot ("not good")
  and words the training data never showed. Adds about (words * cnn-dim * 4) bytes.

Output:
  --out becomes a model folder (config.json, switchboard.json, model.onnx) that \`switchboard
  classify --models-dir\` and every channel load. Progress and per-epoch dev figures go to stderr.

Examples:
  $ pnpm switchboard train --data train.tsv --dev dev.tsv --out models/reviews
  $ pnpm switchboard train --data data/spam/train.tsv --dev data/spam/dev.tsv \\
      --out models/spam --pooling sqrt --lr 0.1 --epochs 10 --alert-labels spam
`;

/** Registers `switchboard train`. */
export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('Train a fastText-style classifier on a label<TAB>text file and write a model folder.')
    .requiredOption('--data <file>', 'training data (label<TAB>text with a header line)')
    .option('--dev <file>', 'dev data for per-epoch figures (same format)')
    .requiredOption('--out <dir>', 'model folder to write, e.g. models/NAME')
    .option('--epochs <n>', 'passes over the data', String(D.epochs))
    .option('--dim <n>', 'embedding width', String(D.dim))
    .option('--lr <x>', 'starting learning rate', String(D.lr))
    .option('--buckets <n>', 'hash buckets (embedding rows)', String(D.buckets))
    .option('--word-ngrams <n>', 'longest word n-gram (1 = words only)', String(D.wordNgrams))
    .option(
      '--char-ngrams <min,max>',
      'character n-gram lengths, or "none"',
      D.charNgrams?.join(',') ?? 'none',
    )
    .option(
      '--pooling <mean|sqrt>',
      'divide the sum of embeddings by the count or its square root',
      D.pooling,
    )
    .option('--class-weights <balanced|none>', 'weigh rare labels up (balanced) or not', D.classWeights)
    .option('--max-input-tokens <n>', 'most words read from one text', String(D.maxInputTokens))
    .option('--no-lowercase', 'keep case (default: lower-case texts)')
    .option('--seed <n>', 'random seed', String(D.seed))
    .option(
      '--average-epochs <n>',
      'keep the average of the weights over the last N epochs (0: the final weights)',
      String(D.averageEpochs),
    )
    .option('--version <v>', 'model version for switchboard.json', '0.1.0')
    .option('--description <text>', 'model description for switchboard.json', '')
    .option('--alert-labels <labels>', 'comma-separated labels that channels should flag, e.g. spam')
    .option('--pretrained <file>', 'word vectors (.vec text format) to start word rows from')
    .option('--pretrained-top <n>', 'also use the first N words of the vectors file', '100000')
    .option('--pretrained-norm <x>', 'mean length the pretrained rows are scaled to', '1')
    .option('--pretrained-lr-scale <x>', 'learning-rate multiplier of pretrained rows (0 freezes them)', '1')
    .option('--cnn', 'also train a word CNN and combine it with the bag (see below)', false)
    .option('--cnn-vectors <file>', 'word vectors (.vec) the CNN word table starts from')
    .option('--cnn-epochs <n>', 'CNN passes over the data', String(C.epochs))
    .option('--cnn-dim <n>', 'CNN word vector width', String(C.dim))
    .option('--cnn-width <n>', 'words a CNN filter spans (>= 2)', String(C.width))
    .option('--cnn-filters <n>', 'number of CNN filters', String(C.filters))
    .option('--cnn-lr <x>', 'Adam step size of the CNN', String(C.lr))
    .option(
      '--cnn-embedding-lr <x>',
      'SGD rate of the CNN word vectors (0 keeps them)',
      String(C.embeddingLr),
    )
    .option('--cnn-dropout <x>', 'share of CNN features dropped in training', String(C.dropout))
    .option('--cnn-vocab-top <n>', 'also give the first N words of --cnn-vectors a row', String(C.vocabTop))
    .option(
      '--cnn-weight <x>',
      "weight of the CNN's log-probabilities (the bag gets the rest)",
      String(C.weight),
    )
    .addHelpText('after', HELP)
    .action(async (options: TrainCommandOptions) => {
      await runTrain(options);
    });
}

async function runTrain(o: TrainCommandOptions): Promise<void> {
  const parsed = parseTrainOptions(o);
  const pretrainedSettings = parsePretrained(o);
  await refuseFileAsOut(o.out);
  const train = await readLabelledTsv(o.data);
  warnSkipped(describeSkipped(train));
  const dev = o.dev === undefined ? undefined : await readLabelledTsv(o.dev);
  if (dev) warnSkipped(describeSkipped(dev));
  const alertLabels = o.alertLabels
    ?.split(',')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);

  process.stderr.write(
    `training on ${train.examples.length} examples of ${o.data}` +
      `${dev ? `, dev ${dev.examples.length} examples of ${o.dev}` : ''}\n`,
  );
  const started = performance.now();
  let trainOptions = parsed;
  if (pretrainedSettings) {
    const { file, top, norm, lrScale } = pretrainedSettings;
    const vectors = await readWordVectorsFor(file, train, top, parsed.lowercase);
    process.stderr.write(
      `pretrained vectors ${describeWordVectors(vectors)}: ${vectors.words.length} kept ` +
        `(${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
    );
    trainOptions = { ...parsed, pretrained: { vectors, norm, lrScale } };
  }
  const cnnOptions = parseCnnOptions(o);
  let cnnVectors: WordVectors | undefined;
  if (cnnOptions && o.cnnVectors !== undefined) {
    cnnVectors =
      trainOptions.pretrained?.vectors.file === o.cnnVectors &&
      pretrainedSettings?.top === cnnOptions.vocabTop
        ? trainOptions.pretrained.vectors
        : await readWordVectorsFor(o.cnnVectors, train, cnnOptions.vocabTop, parsed.lowercase);
    process.stderr.write(`cnn vectors ${describeWordVectors(cnnVectors)}: ${cnnVectors.words.length} kept\n`);
  }
  const observer = progressPrinter(trainOptions.epochs, trainOptions.averageEpochs, cnnOptions?.epochs ?? 0);
  const model: TrainedModel = cnnOptions
    ? trainBagCnn(train, trainOptions, cnnOptions, cnnVectors ?? null, dev, observer)
    : trainFastText(train, trainOptions, dev, observer);
  await writeTrainedModel(o.out, model, {
    version: o.version,
    description: o.description,
    ...(alertLabels ? { alertLabels } : {}),
    train,
    ...(dev ? { dev } : {}),
    ...(cnnVectors ? { cnnVectors } : {}),
  });
  const size = (await stat(join(o.out, 'model.onnx'))).size;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `wrote ${o.out} (labels ${model.labels.join(', ')}; model.onnx ${formatBytes(size)}) in ${seconds} s\n`,
  );
  if (model.dev) process.stdout.write(`\ndev figures (${o.dev}):\n${formatMetrics(model.dev)}`);
}

/** Prints progress (on a terminal) and one line per epoch to stderr. */
function progressPrinter(epochs: number, averageEpochs: number, cnnEpochs: number): TrainObserver {
  let epochStarted = performance.now();
  const live = process.stderr.isTTY === true;
  const figures = (dev: { accuracy: number; macroF1: number } | undefined) =>
    dev ? `  dev accuracy ${dev.accuracy.toFixed(4)}  macro-F1 ${dev.macroF1.toFixed(4)}` : '';
  return {
    onProgress: (p) => {
      if (!live) return;
      const stage = p.stage === 'cnn' ? 'cnn ' : '';
      const lr = p.stage === 'cnn' ? '' : `  lr ${p.lr.toFixed(4)}`;
      process.stderr.write(
        `\r${stage}epoch ${p.epoch}/${p.epochs} ${(p.fraction * 100).toFixed(0).padStart(3)}%  loss ${p.loss.toFixed(4)}${lr}`,
      );
    },
    onEpoch: (r) => {
      const now = performance.now();
      if (r.averaged) {
        process.stderr.write(`averaged weights of the last ${averageEpochs} epochs${figures(r.dev)}\n`);
        return;
      }
      const seconds = `  (${((now - epochStarted) / 1000).toFixed(1)} s)`;
      const line =
        r.stage === 'cnn'
          ? `cnn epoch ${r.epoch}/${cnnEpochs}  loss ${r.loss.toFixed(4)}${r.cnnDev ? `  cnn alone${figures(r.cnnDev).replace('  dev', ' dev')}  combined` : ''}${figures(r.dev)}${seconds}`
          : `epoch ${r.epoch}/${epochs}  loss ${r.loss.toFixed(4)}${figures(r.dev)}${seconds}`;
      process.stderr.write(`${live ? '\r\x1b[K' : ''}${line}\n`);
      epochStarted = now;
    },
  };
}

/** The `--cnn*` flags as word CNN options, or undefined without `--cnn`. */
export function parseCnnOptions(o: TrainCommandOptions): WordCnnOptions | undefined {
  if (!o.cnn) {
    const stray = (Object.keys(o) as (keyof TrainCommandOptions)[]).find(
      (key) =>
        key.startsWith('cnn') && key !== 'cnn' && o[key] !== undefined && o[key] !== String(C[cnnKey(key)]),
    );
    if (stray) throw new InputError(`--${kebab(stray)} needs --cnn`);
    return undefined;
  }
  const dropout = Number(o.cnnDropout ?? C.dropout);
  if (!(dropout >= 0 && dropout < 1) || o.cnnDropout?.trim() === '') {
    throw new InputError(`--cnn-dropout must be a number from 0 to below 1, got "${o.cnnDropout}"`);
  }
  const weight = Number(o.cnnWeight ?? C.weight);
  if (!(weight > 0 && weight < 1) || o.cnnWeight?.trim() === '') {
    throw new InputError(`--cnn-weight must be a number between 0 and 1, got "${o.cnnWeight}"`);
  }
  const embeddingLr = Number(o.cnnEmbeddingLr ?? C.embeddingLr);
  if (!(embeddingLr >= 0 && Number.isFinite(embeddingLr)) || o.cnnEmbeddingLr?.trim() === '') {
    throw new InputError(`--cnn-embedding-lr must be a number >= 0, got "${o.cnnEmbeddingLr}"`);
  }
  if (o.cnnVectors?.trim() === '') throw new InputError('--cnn-vectors needs a file path');
  return {
    epochs: integer('--cnn-epochs', o.cnnEpochs, C.epochs, 1),
    dim: integer('--cnn-dim', o.cnnDim, C.dim, 1),
    width: integer('--cnn-width', o.cnnWidth, C.width, 2),
    filters: integer('--cnn-filters', o.cnnFilters, C.filters, 1),
    lr: positive('--cnn-lr', o.cnnLr, C.lr),
    embeddingLr,
    dropout,
    batchSize: C.batchSize,
    vocabTop: integer('--cnn-vocab-top', o.cnnVocabTop, C.vocabTop, 0),
    weight,
  };
}

function cnnKey(flag: keyof TrainCommandOptions): keyof WordCnnOptions {
  const name = flag.slice(3);
  return `${name[0]!.toLowerCase()}${name.slice(1)}` as keyof WordCnnOptions;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Turns the command-line strings into trainer options, naming the flag at fault. */
export function parseTrainOptions(o: TrainCommandOptions): FastTextOptions {
  const charNgrams = parseCharNgrams(o.charNgrams ?? 'none');
  const pooling = o.pooling ?? D.pooling;
  if (pooling !== 'mean' && pooling !== 'sqrt') {
    throw new InputError(`--pooling must be "mean" or "sqrt", got "${pooling}"`);
  }
  const classWeights = o.classWeights ?? D.classWeights;
  if (classWeights !== 'balanced' && classWeights !== 'none') {
    throw new InputError(`--class-weights must be "balanced" or "none", got "${classWeights}"`);
  }
  return {
    epochs: integer('--epochs', o.epochs, D.epochs, 1),
    dim: integer('--dim', o.dim, D.dim, 1),
    lr: positive('--lr', o.lr, D.lr),
    buckets: integer('--buckets', o.buckets, D.buckets, 2),
    wordNgrams: integer('--word-ngrams', o.wordNgrams, D.wordNgrams, 1),
    charNgrams,
    pooling,
    classWeights,
    maxInputTokens: integer('--max-input-tokens', o.maxInputTokens, D.maxInputTokens, 1),
    lowercase: o.lowercase,
    seed: integer('--seed', o.seed, D.seed, 0),
    pretrained: null,
    averageEpochs: integer('--average-epochs', o.averageEpochs, D.averageEpochs, 0),
  };
}

/** The `--pretrained*` flags, or undefined without `--pretrained`. */
export function parsePretrained(o: TrainCommandOptions): PretrainedSettings | undefined {
  if (o.pretrained === undefined) return undefined;
  if (o.pretrained.trim() === '') throw new InputError('--pretrained needs a file path');
  const lrScale = Number(o.pretrainedLrScale ?? '1');
  if (o.pretrainedLrScale?.trim() === '' || !Number.isFinite(lrScale) || lrScale < 0) {
    throw new InputError(`--pretrained-lr-scale must be a number >= 0, got "${o.pretrainedLrScale}"`);
  }
  return {
    file: o.pretrained,
    top: integer('--pretrained-top', o.pretrainedTop, 100_000, 0),
    norm: positive('--pretrained-norm', o.pretrainedNorm, 1),
    lrScale,
  };
}

function integer(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new InputError(`${flag} must be a whole number >= ${min}, got "${value}"`);
  }
  return n;
}

function positive(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InputError(`${flag} must be a positive number, got "${value}"`);
  }
  return n;
}

function parseCharNgrams(value: string): readonly [number, number] | null {
  if (value.trim().toLowerCase() === 'none') return null;
  const match = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(value);
  const min = Number(match?.[1]);
  const max = Number(match?.[2]);
  if (!match || min < 1 || max < min || max > 20) {
    throw new InputError(
      `--char-ngrams must be "MIN,MAX" with 1 <= MIN <= MAX <= 20 (e.g. 3,5), or "none"; got "${value}"`,
    );
  }
  return [min, max];
}

async function refuseFileAsOut(out: string): Promise<void> {
  const info = await stat(out).catch(() => undefined);
  if (info && !info.isDirectory()) {
    throw new InputError(`--out ${out} is a file; give a folder path for the model, e.g. models/NAME`);
  }
}

function warnSkipped(summary: string): void {
  if (summary) process.stderr.write(`warning: ${summary}\n`);
}
