import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type ModelManifest, readModelFolder } from '@switchboard/core';
import { OnnxClassifier } from '@switchboard/core/inference';
import { computeMetrics, quantizeModelFolder, readLabelledTsv } from '@switchboard/train';
import { bertWordPieceFiles } from '@switchboard/train/testing';
import type { Bench, BenchArgs } from './bench.js';
import { REPO_ROOT } from './bench-texts.js';
import {
  BENCH_MODELS_DIR,
  BERT_TOKENIZER_DIR,
  ensureTransformerModel,
  writeTransformerModel,
} from './build-transformer-model.js';
import { formatNumber, markdownTable } from './markdown-table.js';
import { machineInfo, writeResults } from './results-file.js';
import { generateSentences } from './sentence-generator.js';
import { SMALL_ENCODER, type TransformerShape } from './transformer-graph.js';

const BATCHES = [1, 4, 8, 16, 32] as const;
const SHIPPED = ['sentiment', 'toxicity', 'spam'] as const;

/**
 * int8 against fp32 in one run: raw onnxruntime throughput of the transformer-sized model at batch 1
 * and at each one's best batch, file sizes, and accuracy / macro-F1 of the shipped models on their
 * dev splits (from ../shared/data when present).
 */
export const quantizeBench: Bench = {
  name: 'quantize',
  description:
    'int8 (switchboard quantize) against fp32: transformer texts/s at batch 1 and best batch, file size, dev accuracy and macro-F1 of the shipped models (--seconds per point, --shared DIR: data and tokenizer, default ../shared)',
  options: {
    seconds: { type: 'string', default: '2' },
    shared: { type: 'string', default: join(REPO_ROOT, '..', 'shared') },
  },
  async run(args: BenchArgs) {
    const seconds = Number(args.seconds ?? 2);
    const shared = String(args.shared);
    const cache = join(BENCH_MODELS_DIR, 'quantized');
    await mkdir(cache, { recursive: true });

    // 1. The transformer-sized model (BERT tokenizer from ../shared; a small stand-in vocabulary without it).
    const transformer = await transformerModel(shared);
    const int8Dir = join(cache, `${transformer.name}-int8`);
    if (!existsSync(int8Dir)) await quantizeModelFolder(transformer, int8Dir);
    const int8 = await readModelFolder(int8Dir);
    process.stderr.write(`quantize: timing ${transformer.name} fp32 and int8 (${seconds} s a point)\n`);
    const texts = generateSentences(512, 11);
    const fp32Sessions = await OnnxClassifier.load(transformer, { batchSize: 1_000 });
    const int8Sessions = await OnnxClassifier.load(int8, { batchSize: 1_000 });
    const points: { batch: number; fp32: number; int8: number }[] = [];
    try {
      for (const batch of BATCHES) {
        // Interleaved, so that a noisy neighbour hits both sides alike.
        const a = await textsPerSecond(fp32Sessions, texts, batch, seconds / 2);
        const b = await textsPerSecond(int8Sessions, texts, batch, seconds / 2);
        const c = await textsPerSecond(fp32Sessions, texts, batch, seconds / 2);
        const d = await textsPerSecond(int8Sessions, texts, batch, seconds / 2);
        points.push({ batch, fp32: (a + c) / 2, int8: (b + d) / 2 });
      }
    } finally {
      await fp32Sessions.close();
      await int8Sessions.close();
    }
    const bestFp32 = points.reduce((x, y) => (y.fp32 > x.fp32 ? y : x));
    const bestInt8 = points.reduce((x, y) => (y.int8 > x.int8 ? y : x));
    const size = (m: ModelManifest) => m.sizeBytes;

    // 2. The shipped models on their dev splits.
    const accuracy: Record<string, unknown>[] = [];
    for (const name of SHIPPED) {
      const dev = join(shared, 'data', name, 'dev.tsv');
      const fp32Model = await readModelFolder(join(REPO_ROOT, 'models', name));
      const qDir = join(cache, `${name}-int8`);
      if (!existsSync(qDir)) await quantizeModelFolder(fp32Model, qDir);
      const qModel = await readModelFolder(qDir);
      const row: Record<string, unknown> = { name, sizeRatio: size(qModel) / size(fp32Model) };
      if (existsSync(dev)) {
        const data = await readLabelledTsv(dev);
        const labels = [...fp32Model.labels];
        const gold = data.examples.map((e) => labels.indexOf(e.label));
        const evalWith = async (m: ModelManifest) => {
          const c = await OnnxClassifier.load(m, { batchSize: 64 });
          try {
            const texts = data.examples.map((e) => e.text);
            const results = await c.classify(texts);
            // Speed at batch 16 (the worker's default batch), best of 3 passes over dev.
            let best = 0;
            for (let r = 0; r < 3; r++) best = Math.max(best, await textsPerSecond(c, texts, 16, 0));
            const metrics = computeMetrics(
              labels,
              gold,
              results.map((r) => labels.indexOf(r.top.label)),
            );
            return { ...metrics, textsPerSecond: best };
          } finally {
            await c.close();
          }
        };
        const f = await evalWith(fp32Model);
        const q = await evalWith(qModel);
        Object.assign(row, {
          speedRatio: q.textsPerSecond / f.textsPerSecond,
          examples: data.examples.length,
          accuracyFp32: f.accuracy,
          accuracyInt8: q.accuracy,
          macroF1Fp32: f.macroF1,
          macroF1Int8: q.macroF1,
        });
      }
      accuracy.push(row);
    }

    const pct = (x: number) => formatNumber(x * 100, 2);
    const pts = (a: number, b: number) => `${b - a >= 0 ? '+' : ''}${formatNumber((b - a) * 100, 2)}`;
    const out = [
      `## int8 (switchboard quantize) against fp32`,
      '',
      `Transformer-sized model \`${transformer.name}\` (raw onnxruntime, one thread, texts/s):`,
      '',
      markdownTable(
        ['batch', 'fp32 texts/s', 'int8 texts/s', 'int8 ÷ fp32'],
        points.map((p) => [
          String(p.batch),
          formatNumber(p.fp32, 1),
          formatNumber(p.int8, 1),
          formatNumber(p.int8 / p.fp32, 2),
        ]),
      ),
      '',
      `- batch 1: int8 ÷ fp32 = **${formatNumber(points[0]!.int8 / points[0]!.fp32, 2)}×**`,
      `- best batch (fp32 at ${bestFp32.batch}, int8 at ${bestInt8.batch}): int8 ÷ fp32 = **${formatNumber(bestInt8.int8 / bestFp32.fp32, 2)}×**`,
      `- file size int8 ÷ fp32: **${formatNumber(size(int8) / size(transformer), 2)}** (${formatNumber(size(transformer) / 1e6, 1)} MB → ${formatNumber(size(int8) / 1e6, 1)} MB)`,
      '',
      'Shipped models (dev splits):',
      '',
      markdownTable(
        [
          'model',
          'size int8 ÷ fp32',
          'texts/s int8 ÷ fp32',
          'dev texts',
          'accuracy fp32',
          'accuracy int8',
          'Δ points',
          'macro-F1 fp32',
          'macro-F1 int8',
          'Δ points',
        ],
        accuracy.map((r) =>
          r.examples === undefined
            ? [
                String(r.name),
                formatNumber(r.sizeRatio as number, 2),
                '',
                '(no ../shared data)',
                '',
                '',
                '',
                '',
                '',
                '',
              ]
            : [
                String(r.name),
                formatNumber(r.sizeRatio as number, 2),
                formatNumber(r.speedRatio as number, 2),
                String(r.examples),
                pct(r.accuracyFp32 as number),
                pct(r.accuracyInt8 as number),
                pts(r.accuracyFp32 as number, r.accuracyInt8 as number),
                pct(r.macroF1Fp32 as number),
                pct(r.macroF1Int8 as number),
                pts(r.macroF1Fp32 as number, r.macroF1Int8 as number),
              ],
        ),
      ),
      '',
    ].join('\n');
    process.stdout.write(`${out}\n`);
    const file = await writeResults('quantize', {
      machine: machineInfo(),
      transformer: {
        name: transformer.name,
        points,
        batch1Ratio: points[0]!.int8 / points[0]!.fp32,
        bestBatchRatio: bestInt8.int8 / bestFp32.fp32,
        sizeRatio: size(int8) / size(transformer),
      },
      shipped: accuracy,
    });
    process.stderr.write(`quantize: results in ${file}\n`);
  },
};

async function transformerModel(shared: string): Promise<ModelManifest> {
  const tokenizer = join(shared, 'models', 'bert-base-uncased-tokenizer');
  if (existsSync(join(tokenizer, 'tokenizer.json'))) {
    const name = 'small-encoder-bert-vocab';
    const dir = join(BENCH_MODELS_DIR, name);
    if (!existsSync(join(dir, 'model.onnx'))) await writeTransformerModel(dir, SMALL_ENCODER, tokenizer);
    return readModelFolder(dir);
  }
  if (existsSync(join(BERT_TOKENIZER_DIR, 'tokenizer.json'))) {
    return readModelFolder((await ensureTransformerModel(SMALL_ENCODER)).dir);
  }
  const dir = join(BENCH_MODELS_DIR, 'small-encoder-stand-in-vocab');
  if (!existsSync(join(dir, 'model.onnx'))) {
    const tokenizerDir = join(BENCH_MODELS_DIR, 'stand-in-tokenizer');
    await mkdir(tokenizerDir, { recursive: true });
    for (const [f, text] of Object.entries(bertWordPieceFiles()))
      await writeFile(join(tokenizerDir, f), text);
    const shape: Omit<TransformerShape, 'vocab'> = SMALL_ENCODER;
    await writeTransformerModel(dir, shape, tokenizerDir);
  }
  return readModelFolder(dir);
}

async function textsPerSecond(
  c: OnnxClassifier,
  texts: readonly string[],
  batch: number,
  seconds: number,
): Promise<number> {
  const encoded = c.encode(texts);
  let i = 0;
  let done = 0;
  const start = performance.now();
  // For `seconds`, or (0) one pass over the texts.
  while (seconds > 0 ? performance.now() - start < seconds * 1_000 : done < encoded.length) {
    const slice = [];
    for (let k = 0; k < batch; k++) slice.push(encoded[(i + k) % encoded.length]!);
    i += batch;
    await c.run(slice);
    done += batch;
  }
  return done / ((performance.now() - start) / 1_000);
}
