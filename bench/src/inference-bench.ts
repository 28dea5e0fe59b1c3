import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  ModelCatalog,
  type ModelManifest,
  modelsDir,
  readModelFolder,
  UnknownModelError,
} from '@switchboard/core';
import { OnnxClassifier } from '@switchboard/core/inference';
import type { Bench, BenchArgs } from './bench.js';
import { loadBenchTexts } from './bench-texts.js';
import { formatNumber, markdownTable } from './markdown-table.js';
import { Progress } from './progress.js';
import { machineInfo, writeResults } from './results-file.js';
import { mean, percentile } from './stats.js';

/** Batch sizes measured; each is one onnxruntime run per `classify` call. */
export const BATCH_SIZES = [1, 8, 32, 128] as const;

/** Figures of one batch size. */
export interface BatchFigures {
  readonly batchSize: number;
  readonly texts: number;
  readonly seconds: number;
  readonly textsPerSecond: number;
  readonly batchMsP50: number;
  readonly batchMsP99: number;
}

/** Single-text latency: `classify([text])`, tokenization and onnxruntime run included. */
export interface LatencyFigures {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
}

/**
 * Texts per second of one model in this process at several batch sizes, and single-text latency.
 * Each phase runs for a fixed time, so the whole bench takes about `6 × seconds`.
 */
export const inferenceBench: Bench = {
  name: 'inference',
  description:
    'in-process classification: texts/s at batch 1, 8, 32, 128 and single-text latency p50/p99 (--model NAME_OR_PATH, --seconds, --threads, --data)',
  options: {
    model: { type: 'string', default: 'sentiment' },
    seconds: { type: 'string', default: '4' },
    threads: { type: 'string', default: '1' },
    data: { type: 'string', default: 'sentiment' },
  },
  run: runInferenceBench,
};

async function runInferenceBench(args: BenchArgs): Promise<void> {
  const seconds = positiveNumber(args.seconds, '--seconds');
  const threads = positiveNumber(args.threads, '--threads');
  const progress = new Progress();

  const manifest = await resolveModel(String(args.model));
  const { texts, source } = await loadBenchTexts(String(args.data));
  progress.done(`inference: model ${manifest.name} (${manifest.dir}), texts from ${source}`);
  const classifier = await OnnxClassifier.load(manifest, {
    batchSize: Math.max(...BATCH_SIZES),
    intraOpThreads: threads,
  });
  try {
    const encoded = classifier.encode(texts);
    const idsPerText = mean(encoded.map((e) => e.ids.length));
    const truncated = encoded.filter((e) => e.truncated).length;

    const encodeOnly = await measure(seconds / 2, progress, 'encode only', () => {
      classifier.encode(pick(texts, 32));
      return 32;
    });
    const batches: BatchFigures[] = [];
    for (const batchSize of BATCH_SIZES) {
      const run = await measure(seconds, progress, `batch ${batchSize}`, async () => {
        await classifier.classify(pick(texts, batchSize));
        return batchSize;
      });
      batches.push({
        batchSize,
        texts: run.items,
        seconds: run.seconds,
        textsPerSecond: run.items / run.seconds,
        batchMsP50: percentile(run.durationsMs, 50),
        batchMsP99: percentile(run.durationsMs, 99),
      });
    }
    const single = await measure(seconds, progress, 'single-text latency', async () => {
      await classifier.classify(pick(texts, 1));
      return 1;
    });
    const latency: LatencyFigures = {
      samples: single.durationsMs.length,
      p50Ms: percentile(single.durationsMs, 50),
      p99Ms: percentile(single.durationsMs, 99),
      meanMs: mean(single.durationsMs),
      maxMs: Math.max(...single.durationsMs),
    };

    const results = {
      bench: 'inference',
      date: new Date().toISOString(),
      machine: machineInfo(),
      model: {
        name: manifest.name,
        dir: manifest.dir,
        version: manifest.version,
        encoderKind: manifest.encoderKind,
        labels: manifest.labels,
        sizeBytes: manifest.sizeBytes,
      },
      texts: {
        source,
        count: texts.length,
        meanChars: mean(texts.map((t) => t.length)),
        idsPerText,
        truncated,
      },
      settings: { secondsPerPhase: seconds, intraOpThreads: threads },
      encodeOnlyTextsPerSecond: encodeOnly.items / encodeOnly.seconds,
      batches,
      latency,
    };
    const file = await writeResults('inference', results);
    process.stdout.write(`${report(results)}\n\nJSON: ${file}\n`);
  } finally {
    await classifier.close();
  }
}

/** A model folder path (contains a slash or exists as given), else a name in `modelsDir()`. */
async function resolveModel(nameOrPath: string): Promise<ModelManifest> {
  const looksLikePath = nameOrPath.includes('/') || nameOrPath.includes('\\') || isAbsolute(nameOrPath);
  if (looksLikePath || (nameOrPath.startsWith('.') && existsSync(nameOrPath))) {
    return readModelFolder(resolve(nameOrPath));
  }
  try {
    return await new ModelCatalog(modelsDir()).get(nameOrPath);
  } catch (err) {
    if (!(err instanceof UnknownModelError)) throw err;
    throw new Error(
      `${err.message} Looked in ${modelsDir()} (SWITCHBOARD_MODELS sets another folder). Train the model first, or pass --model with another name or a model folder path.`,
      { cause: err },
    );
  }
}

interface Measured {
  readonly items: number;
  readonly seconds: number;
  readonly durationsMs: number[];
}

/**
 * Calls `step` (which returns how many texts it handled) for `seconds`, after an uncounted
 * warm-up, timing each call.
 */
async function measure(
  seconds: number,
  progress: Progress,
  label: string,
  step: () => number | Promise<number>,
): Promise<Measured> {
  // Warm up by time, not by count: the first calls of a phase pay for JIT and allocator growth.
  const warmUntil = performance.now() + Math.min(500, seconds * 250);
  while (performance.now() < warmUntil) await step();
  const durationsMs: number[] = [];
  let items = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    const t0 = performance.now();
    items += await step();
    const t1 = performance.now();
    durationsMs.push(t1 - t0);
    elapsed = t1 - start;
    progress.update(
      `  ${label}: ${(elapsed / 1000).toFixed(1)} s of ${seconds} s, ${formatNumber(items)} texts`,
    );
  }
  progress.done(
    `  ${label}: ${formatNumber(items)} texts in ${(elapsed / 1000).toFixed(1)} s = ${formatNumber(items / (elapsed / 1000))} texts/s`,
  );
  return { items, seconds: elapsed / 1000, durationsMs };
}

let cursor = 0;

/** The next `count` texts, cycling through the list, so consecutive batches differ. */
function pick(texts: readonly string[], count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(texts[cursor++ % texts.length]!);
  return out;
}

function report(r: {
  model: { name: string; version: string; encoderKind: string };
  texts: { source: string; idsPerText: number; truncated: number; count: number };
  settings: { intraOpThreads: number };
  machine: { cpus: number; node: string; loadAverage1m: number };
  encodeOnlyTextsPerSecond: number;
  batches: readonly BatchFigures[];
  latency: LatencyFigures;
}): string {
  const ms = (v: number) => formatNumber(v, 3);
  const throughput = markdownTable(
    ['batch', 'texts/s', 'texts/s at p50', 'ms per batch p50', 'ms per batch p99', 'texts'],
    r.batches.map((b) => [
      String(b.batchSize),
      formatNumber(b.textsPerSecond),
      // Less moved by other processes on the machine than the mean: a contended run shows a
      // long tail, not a slower median.
      formatNumber(b.batchSize / (b.batchMsP50 / 1000)),
      ms(b.batchMsP50),
      ms(b.batchMsP99),
      formatNumber(b.texts),
    ]),
  );
  const latency = markdownTable(
    ['single text', 'p50 ms', 'p99 ms', 'mean ms', 'max ms', 'samples'],
    [
      [
        'classify([text])',
        ms(r.latency.p50Ms),
        ms(r.latency.p99Ms),
        ms(r.latency.meanMs),
        ms(r.latency.maxMs),
        formatNumber(r.latency.samples),
      ],
    ],
  );
  return [
    `## Inference: ${r.model.name} ${r.model.version} (${r.model.encoderKind}), in process`,
    '',
    `Texts: ${r.texts.source}; ${formatNumber(r.texts.idsPerText, 1)} ids a text on average, ${r.texts.truncated} of ${r.texts.count} truncated.`,
    `onnxruntime intra-op threads: ${r.settings.intraOpThreads}; ${r.machine.cpus} CPUs (load average ${formatNumber(r.machine.loadAverage1m, 2)} at the end), Node ${r.machine.node}. Figures include encoding; encoding alone: ${formatNumber(r.encodeOnlyTextsPerSecond)} texts/s.`,
    '',
    throughput,
    '',
    latency,
  ].join('\n');
}

function positiveNumber(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`${flag} must be a positive number, got "${String(value)}"`);
  return n;
}
