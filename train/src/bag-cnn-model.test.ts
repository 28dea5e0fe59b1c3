import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEncoder, readModelFolder } from '@switchboard/core';
import { OnnxClassifier } from '@switchboard/core/inference';
import { expectLoadError } from '@switchboard/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainBagCnn } from './bag-cnn-model.js';
import type { FastTextOptions } from './fasttext-trainer.js';
import { SeededRandom } from './seeded-random.js';
import { writeTrainedModel } from './trained-model-folder.js';
import { type LabelledData, parseLabelledTsv } from './tsv-data.js';
import type { WordCnnOptions } from './word-cnn-trainer.js';

// Order is the whole signal: "good not" and "not good" hold the same words, and the bag below
// reads single words only, so only the CNN can tell them apart.
const ADJECTIVES = ['good', 'fine', 'great', 'nice', 'fun'];
const FILLER = ['it', 'was', 'the', 'film', 'really', 'quite', 'show', 'plot'];

function makeData(size: number, seed: number, file: string): LabelledData {
  const random = new SeededRandom(seed);
  const lines = ['label\ttext'];
  for (let i = 0; i < size; i++) {
    const negated = random.below(2) === 1;
    const adjective = ADJECTIVES[random.below(ADJECTIVES.length)]!;
    const words: string[] = [];
    for (let j = 0; j < 2 + random.below(6); j++) words.push(FILLER[random.below(FILLER.length)]!);
    const at = random.below(words.length + 1);
    // Both labels hold "not": negative texts right before the adjective, positive ones elsewhere.
    if (negated) words.splice(at, 0, 'not', adjective);
    else words.splice(at, 0, adjective, 'not');
    lines.push(`${negated ? 'negative' : 'positive'}\t${words.join(' ')}`);
  }
  return parseLabelledTsv(lines.join('\n'), file);
}

// Tiny "pretrained" vectors: the adjectives share a direction, so an unseen one ("lovely")
// lands near them.
const VECTORS = {
  dim: 4,
  words: ['good', 'fine', 'great', 'nice', 'fun', 'lovely', 'not', 'film'],
  vectors: Float32Array.from([
    1, 0.1, 0, 0, 0.9, 0.2, 0, 0, 1, 0, 0.1, 0, 0.95, 0.1, 0, 0.1, 0.9, 0, 0.2, 0, 1, 0.1, 0.1, 0, 0, 0, 1, 0,
    0, 1, 0, 0,
  ]),
};

const BAG: Partial<FastTextOptions> = {
  epochs: 3,
  dim: 8,
  buckets: 4096,
  wordNgrams: 1,
  charNgrams: null,
  lr: 0.5,
};
const CNN: Partial<WordCnnOptions> = { epochs: 6, dim: 4, filters: 16, width: 2, lr: 0.01, vocabTop: 10 };

let dir: string;
const train = makeData(800, 1, 'train.tsv');
const dev = makeData(200, 2, 'dev.tsv');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-bag-cnn-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('trainBagCnn', () => {
  it('reads word order the bag cannot, and reports the bag epochs, then the CNN epochs', () => {
    const stages: string[] = [];
    const model = trainBagCnn(train, BAG, CNN, VECTORS, dev, {
      onEpoch: (r) => stages.push(`${r.stage ?? 'bag'}${r.epoch}`),
    });
    expect(stages).toEqual(['bag1', 'bag2', 'bag3', 'cnn1', 'cnn2', 'cnn3', 'cnn4', 'cnn5', 'cnn6']);
    // The bag alone is at chance: both labels have the same words.
    expect(model.bag.dev!.accuracy).toBeLessThan(0.7);
    expect(model.dev!.accuracy).toBeGreaterThan(0.95);
    expect(model.history.at(-1)!.cnnDev!.accuracy).toBeGreaterThan(0.95);
    const label = (text: string) => model.labels[argmax(model.logits(text))];
    expect(label('the plot was not fun')).toBe('negative');
    expect(label('the plot was fun not')).toBe('positive');
    expect(model.vocabularyReport.pretrainedRows).toBe(VECTORS.words.length);
    expect(model.vocabulary).toContain('lovely');
  });

  it('gives, through the folder and onnxruntime, the scores it computed, batched or one by one', async () => {
    const model = trainBagCnn(train, BAG, CNN, VECTORS, dev);
    const folder = join(dir, 'roundtrip');
    await writeTrainedModel(folder, model, {
      train,
      dev,
      cnnVectors: { file: '/x/vectors.vec', sha256: 'ab' },
    });
    const manifest = await readModelFolder(folder);
    expect(manifest.spec.featurizer?.sequence_vocabulary).toBe('vocab.txt');
    expect(manifest.spec.training).toMatchObject({
      cnn: { dim: 4, width: 2, filters: 16, vectors: { file: 'vectors.vec', sha256: 'ab' } },
    });
    const vocab = (await readFile(join(folder, 'vocab.txt'), 'utf8')).trimEnd().split('\n');
    expect(vocab).toEqual(model.vocabulary);
    // Empty, unknown words only, one word, long, and mixed lengths in one batch.
    const texts = [
      '',
      'zzz qqq',
      'good',
      'film '.repeat(60),
      ...dev.examples.slice(0, 20).map((e) => e.text),
    ];
    const classifier = await OnnxClassifier.load(manifest);
    try {
      const batched = await classifier.classify(texts);
      for (const [i, text] of texts.entries()) {
        const [alone] = await classifier.classify([text]);
        const expected = softmax(model.logits(text));
        for (const [c, label] of model.labels.entries()) {
          const score = (r: typeof alone) => r!.labels.find((l) => l.label === label)!.score;
          expect(score(batched[i]), `${label} of "${text.slice(0, 20)}"`).toBeCloseTo(expected[c]!, 5);
          expect(score(alone)).toBeCloseTo(expected[c]!, 5);
        }
      }
      const ids = (await createEncoder(manifest)).encode('not lovely zzz').ids;
      const { buckets } = manifest.spec.featurizer!;
      expect(ids.slice(0, 3)).toEqual([
        buckets + model.vocabulary.indexOf('not') + 1,
        buckets + model.vocabulary.indexOf('lovely') + 1,
        buckets,
      ]);
    } finally {
      await classifier.close();
    }
  });

  it('writes byte-identical files for the same seed', async () => {
    const write = async (name: string) => {
      const model = trainBagCnn(train, { ...BAG, seed: 3 }, { ...CNN, epochs: 2 }, VECTORS, dev);
      await writeTrainedModel(join(dir, name), model, { train, dev });
      return Promise.all(
        ['model.onnx', 'vocab.txt', 'switchboard.json'].map((f) => readFile(join(dir, name, f))),
      );
    };
    const [a, b] = [await write('same-a'), await write('same-b')];
    for (const [i, file] of a.entries()) expect(Buffer.compare(file, b[i]!)).toBe(0);
  });

  it('trains without vectors from the words that occur twice', () => {
    const model = trainBagCnn(train, BAG, { ...CNN, epochs: 2 }, null, dev);
    expect(model.vocabularyReport).toMatchObject({ pretrainedRows: 0, projection: 'none' });
    expect(model.vocabulary).not.toContain('lovely');
    expect(model.vocabulary).toContain('not');
  });

  it('refuses CNN options out of range', () => {
    expect(() => trainBagCnn(train, BAG, { width: 1 }, null)).toThrow(/cnn width must be an integer >= 2/);
    expect(() => trainBagCnn(train, BAG, { dropout: 1 }, null)).toThrow(/cnn dropout/);
    expect(() => trainBagCnn(train, BAG, { weight: 0 }, null)).toThrow(/cnn weight/);
  });
});

describe('a model folder with a sequence vocabulary', () => {
  let folder: string;
  beforeAll(async () => {
    folder = join(dir, 'broken-base');
    await writeTrainedModel(folder, trainBagCnn(train, BAG, { ...CNN, epochs: 1 }, VECTORS), { train });
  });

  it('is refused without its vocab.txt, naming the file', async () => {
    await rm(join(folder, 'vocab.txt'));
    await expectLoadError(
      readModelFolder(folder),
      join(folder, 'vocab.txt'),
      /missing file.*sequence_vocabulary/,
    );
  });

  it('is refused with a vocab.txt that repeats a word, naming file and line', async () => {
    await writeFile(join(folder, 'vocab.txt'), 'not\ngood\nnot\n');
    const manifest = await readModelFolder(folder);
    await expectLoadError(
      createEncoder(manifest),
      join(folder, 'vocab.txt'),
      /line 3 repeats "not" from line 1/,
    );
  });

  it('is refused when switchboard.json points the vocabulary outside the folder', async () => {
    const spec = JSON.parse(await readFile(join(folder, 'switchboard.json'), 'utf8'));
    spec.featurizer.sequence_vocabulary = '../vocab.txt';
    await writeFile(join(folder, 'switchboard.json'), JSON.stringify(spec));
    await expectLoadError(
      readModelFolder(folder),
      join(folder, 'switchboard.json'),
      /featurizer.sequence_vocabulary.*file name in the model folder/,
    );
  });
});

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

function softmax(logits: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(logits));
  const exp = Array.from(logits, (v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((v) => v / sum);
}
