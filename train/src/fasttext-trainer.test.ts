import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, readModelFolder } from '@switchboard/core';
import { OnnxClassifier } from '@switchboard/core/inference';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FastTextOptions, trainFastText } from './fasttext-trainer.js';
import { SeededRandom } from './seeded-random.js';
import { writeTrainedModel } from './trained-model-folder.js';
import { type LabelledData, parseLabelledTsv } from './tsv-data.js';

const CUES: Record<string, string[]> = {
  sports: ['goal', 'match', 'striker', 'referee', 'league', 'penalty'],
  weather: ['rain', 'sunny', 'forecast', 'storm', 'humid', 'breeze'],
  cooking: ['recipe', 'oven', 'garlic', 'simmer', 'flour', 'saute'],
};
const FILLER = ['the', 'a', 'today', 'was', 'really', 'quite', 'some', 'people', 'said', 'it', 'and', 'then'];

/** A small labelled set: filler words plus one to three cue words of the label, shuffled. */
function makeData(size: number, seed: number, file: string): LabelledData {
  const random = new SeededRandom(seed);
  const labels = Object.keys(CUES);
  const lines = ['label\ttext'];
  for (let i = 0; i < size; i++) {
    const label = labels[random.below(labels.length)]!;
    const words: string[] = [];
    for (let j = 0; j < 4 + random.below(8); j++) words.push(FILLER[random.below(FILLER.length)]!);
    for (let j = 0; j < 1 + random.below(3); j++) {
      words.splice(random.below(words.length + 1), 0, CUES[label]![random.below(6)]!);
    }
    lines.push(`${label}\t${words.join(' ')}`);
  }
  return parseLabelledTsv(lines.join('\n'), file);
}

const SMALL: Partial<FastTextOptions> = { epochs: 4, dim: 8, buckets: 4096, lr: 0.5, charNgrams: [3, 4] };

let dir: string;
const train = makeData(600, 1, 'train.tsv');
const dev = makeData(150, 2, 'dev.tsv');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-trainer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('trainFastText', () => {
  it('learns a separable task and reports every epoch', () => {
    const epochs: number[] = [];
    const model = trainFastText(train, SMALL, dev, { onEpoch: (r) => epochs.push(r.epoch) });
    expect(epochs).toEqual([1, 2, 3, 4]);
    expect(model.labels).toEqual(['cooking', 'sports', 'weather']);
    expect(model.dev!.accuracy).toBeGreaterThan(0.95);
    expect(model.evaluate(dev).accuracy).toBe(model.dev!.accuracy);
    expect(model.labels[model.predict(['the striker took a penalty'])[0]!]).toBe('sports');
  });

  it('writes byte-identical model.onnx for the same seed and a different one for another seed', async () => {
    const write = async (name: string, seed: number) => {
      const model = trainFastText(train, { ...SMALL, seed }, dev);
      await writeTrainedModel(join(dir, name), model, { train, dev });
      return readFile(join(dir, name, 'model.onnx'));
    };
    const a = await write('seed7-a', 7);
    const b = await write('seed7-b', 7);
    const c = await write('seed8', 8);
    expect(Buffer.compare(a, b)).toBe(0);
    expect(Buffer.compare(a, c)).not.toBe(0);
    const specA = await readFile(join(dir, 'seed7-a', 'switchboard.json'), 'utf8');
    expect(specA).toBe(await readFile(join(dir, 'seed7-b', 'switchboard.json'), 'utf8'));
  });

  for (const pooling of ['mean', 'sqrt'] as const) {
    it(`gives, through the folder and onnxruntime, the labels and scores it computed (${pooling} pooling)`, async () => {
      const model = trainFastText(train, { ...SMALL, pooling }, dev);
      const folder = join(dir, `roundtrip-${pooling}`);
      await writeTrainedModel(folder, model, { train, dev, alertLabels: ['sports'], version: '2.0.0' });
      const manifest = await readModelFolder(folder);
      expect(manifest.labels).toEqual(model.labels);
      expect(manifest.version).toBe('2.0.0');
      expect(manifest.spec.alert_labels).toEqual(['sports']);
      expect(manifest.spec.featurizer).toEqual(model.featurizer);
      expect(manifest.spec.training).toMatchObject({ pooling, train_file: 'train.tsv', dev_examples: 150 });
      const texts = [...dev.examples.map((e) => e.text), '', 'garlic', '!!!', 'rain '.repeat(40)];
      const classifier = await OnnxClassifier.load(manifest);
      try {
        const results = await classifier.classify(texts);
        const expected = model.predict(texts).map((i) => model.labels[i]);
        expect(results.map((r) => r.top.label)).toEqual(expected);
        for (const [i, text] of texts.entries()) {
          const logits = model.logits(text);
          const max = Math.max(...logits);
          const exp = [...logits].map((v) => Math.exp(v - max));
          const sum = exp.reduce((x, y) => x + y, 0);
          const top = results[i]!.top;
          expect(top.score).toBeCloseTo(exp[model.labels.indexOf(top.label)]! / sum, 5);
        }
      } finally {
        await classifier.close();
      }
    });
  }

  it('averages the weights of the last epochs when asked and reports the averaged figures last', () => {
    const reports: { epoch: number; averaged: boolean }[] = [];
    const model = trainFastText(train, { ...SMALL, averageEpochs: 2 }, dev, {
      onEpoch: (r) => reports.push({ epoch: r.epoch, averaged: r.averaged === true }),
    });
    expect(reports.map((r) => r.epoch)).toEqual([1, 2, 3, 4, 4]);
    expect(reports.map((r) => r.averaged)).toEqual([false, false, false, false, true]);
    // The last figures are those of the weights the model keeps.
    expect(model.evaluate(dev)).toEqual(model.dev);
    const final = trainFastText(train, SMALL, dev);
    expect(
      Buffer.from(model.weights.embedding.buffer).equals(Buffer.from(final.weights.embedding.buffer)),
    ).toBe(false);
    expect(model.dev!.accuracy).toBeGreaterThan(0.95);
    expect(() => trainFastText(train, { ...SMALL, averageEpochs: 5 })).toThrow(
      /averageEpochs must be an integer from 0 to epochs \(4\)/,
    );
  });

  it('refuses data with one label, dev labels unknown to training, and bad options', () => {
    const one = parseLabelledTsv('label\ttext\nx\ta\nx\tb\n', 'one.tsv');
    expect(() => trainFastText(one, SMALL)).toThrow(/at least two labels/);
    const odd = parseLabelledTsv('label\ttext\nsports\tgoal\nfinance\tstocks\n', 'odd.tsv');
    expect(() => trainFastText(train, SMALL, odd)).toThrow(/odd\.tsv: label\(s\) "finance" do not occur/);
    expect(() => trainFastText(train, { ...SMALL, dim: 0 })).toThrow(InputError);
    expect(() => trainFastText(train, { ...SMALL, charNgrams: [4, 2] })).toThrow(/charNgrams/);
  });
});
