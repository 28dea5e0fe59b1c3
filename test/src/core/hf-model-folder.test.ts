import { join } from 'node:path';
import { readModelFolder } from '@switchboard/core';
import { ModelRepository, OnnxClassifier, scoreLogits } from '@switchboard/core/inference';
import {
  BERT_FIXTURE_DIR,
  expectSameClassifications,
  makeTempDir,
  mixedLengthTexts,
  type TempDir,
} from '@switchboard/core/testing';
import {
  type MeanPoolWeights,
  meanPoolReferenceLogits,
  meanPoolWeights,
  writeBertStyleModel,
} from '@switchboard/train/testing';
import { Tokenizer as NativeTokenizer } from 'tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A folder in the layout `optimum` exports for BERT classifiers: config.json with id2label,
// tokenizer.json + tokenizer_config.json of bert-base-uncased (the cut-down fixture), and a graph that takes
// input_ids, attention_mask and token_type_ids.
const BERT_DIR = BERT_FIXTURE_DIR;
const LABELS = ['negative', 'neutral', 'positive'];

let tmp: TempDir;
let modelDir: string;
let weights: MeanPoolWeights;
let classifier: OnnxClassifier;

beforeAll(async () => {
  tmp = await makeTempDir('switchboard-hf-folder-');
  modelDir = join(tmp.path, 'bert-sentiment');
  weights = meanPoolWeights(await writeBertStyleModel(modelDir, BERT_DIR, { labels: LABELS }));
  classifier = await OnnxClassifier.load(await readModelFolder(modelDir), { batchSize: 4 });
});
afterAll(async () => {
  await classifier?.close();
  await tmp?.remove();
});

describe('a Hugging Face model folder over bert-base-uncased', () => {
  it('reads as a tokenizer model with the config.json labels and max_position_embeddings', async () => {
    const manifest = await readModelFolder(modelDir);
    expect(manifest.encoderKind).toBe('tokenizer');
    expect(manifest.labels).toEqual(LABELS);
    expect(manifest.maxInputTokens).toBe(512);
    expect(manifest.version).toBe('0.0.0');
    expect(classifier.encoder.kind).toBe('tokenizer');
  });

  it('classifies end to end with the scores the graph must give (token_type_ids = 0 fed)', async () => {
    const native = NativeTokenizer.fromFile(join(BERT_DIR, 'tokenizer.json'));
    const texts = ['What a wonderful café!', 'Ångström-level precision 🎯, naïve though.', '東京 is far'];
    const results = await classifier.classify(texts);
    for (const [i, text] of texts.entries()) {
      // Oracle: ids from the Rust tokenizer, logits from the weights in plain JavaScript. A graph
      // run without token_type_ids fails outright; one fed other type ids gives other scores.
      const ids = (await native.encode(text, null, { addSpecialTokens: true })).getIds();
      const expected = scoreLogits(meanPoolReferenceLogits(weights, ids), 0, LABELS, false);
      const r = results[i]!;
      expect(r.labels.map((s) => s.label)).toEqual(expected.map((s) => s.label));
      for (const [j, s] of r.labels.entries()) expect(s.score).toBeCloseTo(expected[j]!.score, 5);
      expect(r.top).toEqual(r.labels[0]);
      for (let j = 1; j < r.labels.length; j++)
        expect(r.labels[j - 1]!.score).toBeGreaterThanOrEqual(r.labels[j]!.score);
      expect(r.truncated).toBe(false);
    }
  });

  it('gives the same results batched as one by one, for texts of very different lengths', async () => {
    const texts = mixedLengthTexts();
    const batched = await classifier.classify(texts);
    const alone = [];
    for (const text of texts) alone.push(...(await classifier.run(classifier.encode([text]))));
    expectSameClassifications(batched, alone, 1e-5);
    expectSameClassifications(batched, await classifier.run(classifier.encode(texts)), 1e-5);
  });

  it('reports truncated:true past 512 tokens and keeps [CLS] ... [SEP]', async () => {
    const long = 'The support team answered every question patiently. '.repeat(80);
    const [encoded] = classifier.encode([long]);
    expect(encoded!.ids).toHaveLength(512);
    expect(encoded!.ids[0]).toBe(101);
    expect(encoded!.ids.at(-1)).toBe(102);
    const [short, cut] = await classifier.classify(['fine', long]);
    expect(short!.truncated).toBe(false);
    expect(cut!.truncated).toBe(true);
  });

  it('loads and classifies through ModelRepository by folder name', async () => {
    const repo = new ModelRepository(tmp.path);
    try {
      const byName = await repo.get('bert-sentiment');
      expect(byName.manifest.name).toBe('bert-sentiment');
      const texts = ['Absolutely terrible experience.', 'It was fine, I guess.'];
      expectSameClassifications(await byName.classify(texts), await classifier.classify(texts), 1e-6);
    } finally {
      await repo.close();
    }
  });
});
