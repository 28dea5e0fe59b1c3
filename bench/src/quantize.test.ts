import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ModelManifest, readModelFolder, type TextClassification } from '@switchboard/core';
import { OnnxClassifier } from '@switchboard/core/inference';
import { quantizeModelFolder } from '@switchboard/train';
import { bertWordPieceFiles } from '@switchboard/train/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './bench-texts.js';
import { writeTransformerModel } from './build-transformer-model.js';
import { generateSentences } from './sentence-generator.js';
import type { TransformerShape } from './transformer-graph.js';

// int8 dynamic quantization against fp32, on the shipped models and on a transformer-shaped graph
// (MatMul weights, the path quantize_dynamic is about).
//
// Tolerance: labels agree for ≥ 99% of texts (the bar) and every probability stays within
// 0.03 of fp32. Why 0.03: symmetric int8 keeps each weight within half a step (max|w| / 254, under
// 0.4% of the largest weight of its row or column) and the activations within half of theirs; the
// errors are independent and mostly cancel in the sums, so logits move by a few hundredths, and
// a softmax probability moves by at most a quarter of the logit change. Measured: see the bench.

const TEXTS = generateSentences(400, 7);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'switchboard-quantize-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function classifyWith(manifest: ModelManifest): Promise<TextClassification[]> {
  const classifier = await OnnxClassifier.load(manifest, { batchSize: 64 });
  try {
    return await classifier.classify(TEXTS);
  } finally {
    await classifier.close();
  }
}

function compare(fp32: TextClassification[], int8: TextClassification[]) {
  let agree = 0;
  let worst = 0;
  fp32.forEach((r, i) => {
    if (r.top.label === int8[i]!.top.label) agree++;
    const other = new Map(int8[i]!.labels.map((l) => [l.label, l.score]));
    for (const l of r.labels) worst = Math.max(worst, Math.abs(l.score - other.get(l.label)!));
  });
  return { agreement: agree / fp32.length, worst };
}

describe('switchboard quantize (int8 dynamic quantization)', () => {
  for (const name of ['sentiment', 'toxicity', 'spam']) {
    it(`keeps the labels of the shipped ${name} model and shrinks it`, async () => {
      const manifest = await readModelFolder(join(REPO_ROOT, 'models', name));
      const out = await quantizeModelFolder(manifest, join(tmp, name));
      const quantized = await readModelFolder(out.dir);
      expect(quantized.onnxPath).toBe(join(out.dir, 'model_quantized.onnx'));
      expect(out.report.embeddings).toBeGreaterThan(0);
      expect(out.bytesAfter).toBeLessThan(out.bytesBefore * 0.5);
      const { agreement, worst } = compare(await classifyWith(manifest), await classifyWith(quantized));
      expect(agreement).toBeGreaterThanOrEqual(0.99);
      expect(worst).toBeLessThan(0.03);
    }, 120_000);
  }

  it('quantizes the MatMul weights of a transformer-shaped classifier and keeps its labels', async () => {
    const tokenizerDir = join(tmp, 'tokenizer');
    await mkdir(tokenizerDir, { recursive: true });
    for (const [file, text] of Object.entries(bertWordPieceFiles()))
      await writeFile(join(tokenizerDir, file), text);
    const shape: Omit<TransformerShape, 'vocab'> = {
      layers: 2,
      hidden: 64,
      heads: 4,
      intermediate: 128,
      maxPositions: 128,
      typeVocab: 2,
      classes: 2,
      seed: 3,
      initStd: 0.3,
    };
    const dir = join(tmp, 'transformer');
    await writeTransformerModel(dir, shape, tokenizerDir);
    const manifest = await readModelFolder(dir);
    const out = await quantizeModelFolder(manifest, join(tmp, 'transformer-int8'), {
      minEmbeddingElements: 1,
    });
    // q, k, v, attention output, intermediate, output per layer, and the pooler; the classifier
    // (64 × 2 weights) is below minWeightElements and stays fp32.
    expect(out.report.matmuls).toBe(2 * 6 + 1);
    const quantized = await readModelFolder(out.dir);
    const fp32 = await classifyWith(manifest);
    const int8 = await classifyWith(quantized);
    // Both labels occur, so agreement is not trivially about one label.
    const counts = fp32.filter((r) => r.top.label === fp32[0]!.top.label).length;
    expect(Math.min(counts, fp32.length - counts), 'texts of the rarer label').toBeGreaterThan(20);
    // Random weights put many texts at a near tie, which any rounding may flip (all texts: about
    // 96% agree); trained models do not (the shipped ones above: ≥ 99% of all texts). Where fp32
    // is clear (top ≥ 0.6), int8 must agree.
    const clear = fp32.map((r, i) => [r, int8[i]!] as const).filter(([r]) => r.top.score >= 0.6);
    expect(clear.length).toBeGreaterThan(100);
    // The score tolerance is not asserted here: weights 15 times BERT's spread (needed for the
    // random model to tell texts apart) make activations, and so their rounding, far larger than a
    // trained model's (measured: up to 0.2 on a probability).
    const { agreement } = compare(
      clear.map(([r]) => r),
      clear.map(([, q]) => q),
    );
    expect(agreement).toBeGreaterThanOrEqual(0.99);
  }, 120_000);
});
