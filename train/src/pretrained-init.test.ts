import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashedNgramFeaturizer } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FastTextModel, type FastTextOptions, trainFastText } from './fasttext-trainer.js';
import { writeTrainedModel } from './trained-model-folder.js';
import { parseLabelledTsv } from './tsv-data.js';
import { readWordVectors, readWordVectorsFor, type WordVectors } from './word-vectors.js';

const TRAIN = parseLabelledTsv(
  [
    'label\ttext',
    'sports\tthe striker scored a goal',
    'weather\theavy rain this morning',
    'sports\ta late goal won the match',
    'weather\train and wind all day',
    'sports\tthe referee gave a penalty',
    'weather\tsunny after the rain',
  ].join('\n'),
  'tiny.tsv',
);

const TINY: Partial<FastTextOptions> = { epochs: 3, dim: 3, buckets: 512, lr: 0.5, charNgrams: [3, 4] };

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-pretrained-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function vectors(name: string, text: string): Promise<WordVectors> {
  const file = join(dir, name);
  await writeFile(file, text);
  return readWordVectors(file);
}

function row(model: FastTextModel, word: string): number[] {
  const bucket = new HashedNgramFeaturizer(model.featurizer, 512).encode(word).ids[0]!;
  const { dim, embedding } = model.weights;
  return [...embedding.subarray(bucket * dim, (bucket + 1) * dim)];
}

describe('pretrained word vectors in the trainer', () => {
  it("puts each vector in its word's unigram bucket, as the featurizer lower-cases it", async () => {
    // The vectors average to zero and have length 1, so centring and rescaling leave them as they are.
    const v = await vectors(
      'exact.vec',
      '5 3\nGOAL 1 0 0\nrain -1 0 0\nwind 0 1 0\ne.g. 0 0 1\nmatch 0 -1 0\n',
    );
    // lrScale 0 freezes the rows, so after training they still hold the vectors.
    const model = trainFastText(TRAIN, { ...TINY, pretrained: { vectors: v, norm: 1, lrScale: 0 } });
    expect(model.pretrained).toEqual({ rows: 4, skipped: 1, projection: 'copy' });
    expect(row(model, 'goal')).toEqual([1, 0, 0]);
    expect(row(model, 'rain')).toEqual([-1, 0, 0]);
    expect(row(model, 'wind')).toEqual([0, 1, 0]);
    expect(row(model, 'match')).toEqual([0, -1, 0]);
    const withoutVectors = trainFastText(TRAIN, TINY);
    expect(row(withoutVectors, 'goal')).not.toEqual([1, 0, 0]);
    // With the usual rate the rows start there and move.
    const tuned = trainFastText(TRAIN, { ...TINY, pretrained: { vectors: v, norm: 1, lrScale: 1 } });
    expect(row(tuned, 'goal')).not.toEqual([1, 0, 0]);
  });

  it('scales the rows to the mean length asked for, and keeps the first word of a shared bucket', async () => {
    const v = await vectors('scaled.vec', 'goal 3 0 0\nrain -3 0 0\nGoal 0 0 5\n');
    const model = trainFastText(TRAIN, { ...TINY, pretrained: { vectors: v, norm: 0.5, lrScale: 0 } });
    expect(model.pretrained).toEqual({ rows: 2, skipped: 1, projection: 'copy' });
    expect(row(model, 'goal')).toEqual([0.5, 0, 0]);
    expect(row(model, 'rain')).toEqual([-0.5, 0, 0]);
  });

  it('reduces wider vectors to the model width along their principal axes', async () => {
    // 4-wide vectors that vary along (1, 1, 0, 0) most, along (0, 0, 0, 1) less, and not at all
    // in the other directions: a 2-wide model keeps exactly those two coordinates (up to sign).
    const lines = [
      ['goal', 2, 2, 0, 0],
      ['rain', -2, -2, 0, 0],
      ['wind', 0, 0, 0, 1],
      ['match', 0, 0, 0, -1],
    ];
    const v = await vectors('wide.vec', `${lines.map((l) => l.join(' ')).join('\n')}\n`);
    const model = trainFastText(TRAIN, { ...TINY, dim: 2, pretrained: { vectors: v, norm: 1, lrScale: 0 } });
    expect(model.pretrained).toEqual({ rows: 4, skipped: 0, projection: 'pca' });
    // Lengths before scaling are 2.83, 2.83, 1, 1 (mean 1.91); scaled to mean 1.
    const scale = 1 / ((2 * Math.SQRT2 * 2 + 2) / 4);
    const goal = row(model, 'goal');
    expect(Math.abs(goal[0]!)).toBeCloseTo(2 * Math.SQRT2 * scale, 5);
    expect(goal[1]).toBeCloseTo(0, 5);
    const wind = row(model, 'wind');
    expect(wind[0]).toBeCloseTo(0, 5);
    expect(Math.abs(wind[1]!)).toBeCloseTo(scale, 5);
    expect(row(model, 'rain')[0]).toBeCloseTo(-goal[0]!, 5);
  });

  it('writes a byte-identical model.onnx for the same seed, and records the vectors in switchboard.json', async () => {
    const file = join(dir, 'determinism.vec');
    await writeFile(
      file,
      'the 0.1 0.2 0.3 0.4\ngoal 0.5 -0.1 0.2 0.9\nrain -0.3 0.8 0.1 -0.4\nsunny 0.2 0.2 -0.7 0.1\n',
    );
    const write = async (name: string, seed: number) => {
      const v = await readWordVectorsFor(file, TRAIN, 1, true);
      const pretrained = { vectors: v, norm: 1, lrScale: 0.5 };
      const model = trainFastText(TRAIN, { ...TINY, seed, averageEpochs: 2, pretrained });
      await writeTrainedModel(join(dir, name), model, { train: TRAIN });
      return readFile(join(dir, name, 'model.onnx'));
    };
    const a = await write('a', 3);
    const b = await write('b', 3);
    const c = await write('c', 4);
    expect(Buffer.compare(a, b)).toBe(0);
    expect(Buffer.compare(a, c)).not.toBe(0);
    const spec = JSON.parse(await readFile(join(dir, 'a', 'switchboard.json'), 'utf8'));
    expect(spec.training.average_epochs).toBe(2);
    expect(spec.training.pretrained).toEqual({
      file: 'determinism.vec',
      sha256: (await readWordVectors(file)).sha256,
      dim: 4,
      vectors_in_file: 4,
      top: 1,
      vectors_kept: 4,
      rows_initialised: 4,
      projection: 'pca',
      norm: 1,
      lr_scale: 0.5,
    });
  });

  it('refuses a norm that is not positive and a negative rate', async () => {
    const v = await vectors('opts.vec', 'goal 1 0 0\n');
    expect(() => trainFastText(TRAIN, { ...TINY, pretrained: { vectors: v, norm: 0, lrScale: 1 } })).toThrow(
      /pretrained norm must be a positive number/,
    );
    expect(() => trainFastText(TRAIN, { ...TINY, pretrained: { vectors: v, norm: 1, lrScale: -1 } })).toThrow(
      /pretrained lrScale must be a number >= 0/,
    );
  });
});
