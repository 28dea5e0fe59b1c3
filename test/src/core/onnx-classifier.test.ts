import { join } from 'node:path';
import { readModelFolder, SwitchboardError } from '@switchboard/core';
import { OnnxClassifier } from '@switchboard/core/inference';
import {
  expectSameClassifications,
  makeTempDir,
  mixedLengthTexts,
  type TempDir,
} from '@switchboard/core/testing';
import { writeFeaturizerModel } from '@switchboard/train/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LABELS = ['negative', 'neutral', 'positive'];

let tmp: TempDir;
let classifier: OnnxClassifier;
let multiLabel: OnnxClassifier;
let singleText: OnnxClassifier;

beforeAll(async () => {
  tmp = await makeTempDir('switchboard-classifier-');
  const dir = join(tmp.path, 'sentiment');
  await writeFeaturizerModel(dir, { labels: LABELS, spec: { max_input_tokens: 40 } });
  // Four texts a run, so the texts below take several runs of mixed widths.
  classifier = await OnnxClassifier.load(await readModelFolder(dir), { batchSize: 4 });
  singleText = await OnnxClassifier.load(await readModelFolder(dir), { batchSize: 1 });
  const multiDir = join(tmp.path, 'tags');
  await writeFeaturizerModel(multiDir, {
    labels: LABELS,
    spec: { max_input_tokens: 40 },
    config: { problem_type: 'multi_label_classification' },
  });
  multiLabel = await OnnxClassifier.load(await readModelFolder(multiDir));
});
afterAll(async () => {
  await classifier?.close();
  await singleText?.close();
  await multiLabel?.close();
  await tmp.remove();
});

describe('OnnxClassifier over a featurizer model', () => {
  it('gives every label, ranked, with softmax scores summing to 1', async () => {
    const [result] = await classifier.classify(['The food was cold and the waiter was rude.']);
    expect(result!.labels.map((s) => s.label).sort()).toEqual([...LABELS].sort());
    expect(result!.top).toEqual(result!.labels[0]);
    const total = result!.labels.reduce((a, s) => a + s.score, 0);
    expect(total).toBeCloseTo(1, 5);
    for (let i = 1; i < result!.labels.length; i++) {
      expect(result!.labels[i - 1]!.score).toBeGreaterThanOrEqual(result!.labels[i]!.score);
    }
  });

  it('gives the same results batched as one by one, for texts of very different lengths', async () => {
    const texts = mixedLengthTexts();
    expect(texts.length).toBeGreaterThan(4);
    const batched = await classifier.classify(texts);
    expect(batched).toHaveLength(texts.length);
    const alone = [];
    for (const text of texts) alone.push(...(await classifier.run(classifier.encode([text]))));
    expectSameClassifications(batched, alone, 1e-5);
    // batchSize 1 takes another path through classify: one run per text.
    expectSameClassifications(batched, await singleText.classify(texts), 1e-5);
    // One run over every text at once, padded to the longest.
    expectSameClassifications(batched, await classifier.run(classifier.encode(texts)), 1e-5);
  });

  it('classifies more texts than batchSize, in order', async () => {
    const texts = Array.from({ length: 11 }, (_, i) => `review number ${i}: ${'good '.repeat(i)}`);
    const all = await classifier.classify(texts);
    expect(all).toHaveLength(11);
    for (const [i, text] of texts.entries()) {
      expectSameClassifications([all[i]!], await classifier.classify([text]), 1e-5);
    }
  });

  it('reports truncated:true for a text longer than max_input_tokens, and only for it', async () => {
    const long = 'word '.repeat(41);
    const results = await classifier.classify(['short text', long, 'word '.repeat(40)]);
    expect(results.map((r) => r.truncated)).toEqual([false, true, false]);
    // Words past the limit are not read: only the flag tells this text from the 40-word one.
    const [cut] = await classifier.classify([`${'word '.repeat(40)} completely different ending here`]);
    expect(cut!.truncated).toBe(true);
    expectSameClassifications([{ ...results[2]!, truncated: true }], [cut!], 1e-6);
  });

  it('classifies the empty text and odd scripts without throwing', async () => {
    const results = await classifier.classify(['', '🎉🔥', '東京は素晴らしい', 'naïve café']);
    for (const r of results) expect(r.labels.reduce((a, s) => a + s.score, 0)).toBeCloseTo(1, 5);
  });

  it('returns nothing for no texts', async () => {
    expect(await classifier.classify([])).toEqual([]);
    expect(await classifier.run([])).toEqual([]);
  });

  it('uses sigmoid when config.json says multi_label_classification', async () => {
    const text = 'an ordinary sentence about the weather';
    const [single] = await classifier.classify([text]);
    const [multi] = await multiLabel.classify([text]);
    // Same weights: the sigmoid scores turned back into logits must softmax to the single-label scores.
    const logits = Object.fromEntries(multi!.labels.map((s) => [s.label, Math.log(s.score / (1 - s.score))]));
    const z = LABELS.reduce((a, l) => a + Math.exp(logits[l]!), 0);
    for (const s of single!.labels) expect(s.score).toBeCloseTo(Math.exp(logits[s.label]!) / z, 5);
    expect(multi!.labels.reduce((a, s) => a + s.score, 0)).not.toBeCloseTo(1, 3);
  });

  it('refuses to run once closed, and close is idempotent', async () => {
    const dir = join(tmp.path, 'closing');
    await writeFeaturizerModel(dir);
    const c = await OnnxClassifier.load(await readModelFolder(dir));
    await c.close();
    await c.close();
    await expect(c.classify(['hello'])).rejects.toBeInstanceOf(SwitchboardError);
  });
});
