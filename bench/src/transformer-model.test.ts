import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelFolder, type TextClassification } from '@switchboard/core';
import { OnnxClassifier } from '@switchboard/core/inference';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BERT_FIXTURE_TOKENIZER_DIR, ensureTransformerModel } from './build-transformer-model.js';
import type { TransformerShape } from './transformer-graph.js';

// The benchmark's model, scaled down so the test is quick; wider weights than BERT's 0.02 so that
// different texts get clearly different scores and a broken mask shows.
const TINY: Omit<TransformerShape, 'vocab'> = {
  layers: 2,
  hidden: 32,
  heads: 4,
  intermediate: 64,
  maxPositions: 512,
  typeVocab: 2,
  classes: 2,
  seed: 3,
  initStd: 0.3,
};

const TEXTS = [
  'Great film.',
  'The service was slow, the food arrived cold and nobody apologised for any of it.',
  'ok',
  'I would recommend this phone to a friend, although the battery could last longer than a day.',
];

const LONG = `${'This sentence is only here to make the batch much wider than the short texts in it. '.repeat(8)}`;

let repository: string;
let classifier: OnnxClassifier;

beforeAll(async () => {
  repository = await mkdtemp(join(tmpdir(), 'switchboard-bench-transformer-'));
  const model = await ensureTransformerModel(TINY, repository, BERT_FIXTURE_TOKENIZER_DIR);
  classifier = await OnnxClassifier.load(await readModelFolder(model.dir), { batchSize: 64 });
});

afterAll(async () => {
  await classifier?.close();
  await rm(repository, { recursive: true, force: true });
});

function positive(result: TextClassification): number {
  return result.labels.find((l) => l.label === 'positive')!.score;
}

describe('transformer-sized bench model', () => {
  it('is a Hugging Face folder that loads through the normal model path', async () => {
    const manifest = classifier.manifest;
    expect(manifest.encoderKind).toBe('tokenizer');
    expect(manifest.labels).toEqual(['negative', 'positive']);
    expect(manifest.maxInputTokens).toBe(512);
    // The BERT tokenizer (the shipped cut-down fixture, same ids): [CLS] ... [SEP].
    expect(classifier.encode(['hello'])[0]!.ids).toEqual([101, 7592, 102]);
    const again = await ensureTransformerModel(TINY, repository, BERT_FIXTURE_TOKENIZER_DIR);
    expect(again.built).toBe(false);
  });

  it('gives different texts different scores (so the comparisons below mean something)', async () => {
    const scores = (await classifier.classify(TEXTS)).map(positive);
    expect(Math.max(...scores) - Math.min(...scores)).toBeGreaterThan(1e-2);
  });

  it('scores a batch as it scores each text alone', async () => {
    const batched = (await classifier.classify(TEXTS)).map(positive);
    const alone: number[] = [];
    for (const text of TEXTS) alone.push(positive((await classifier.classify([text]))[0]!));
    batched.forEach((score, i) => {
      expect(Math.abs(score - alone[i]!)).toBeLessThan(1e-4);
    });
  });

  it('ignores padding: a short text beside a long one scores as it does alone', async () => {
    const [short, long] = classifier.encode(['ok', LONG]);
    expect(long!.ids.length).toBeGreaterThan(100);
    const alone = positive((await classifier.run([short!]))[0]!);
    const padded = positive((await classifier.run([short!, long!]))[0]!);
    expect(Math.abs(alone - padded)).toBeLessThan(1e-4);
  });
});
