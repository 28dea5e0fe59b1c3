import os from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  ClassifyQueue,
  createEncoder,
  DEFAULT_REDIS_URL,
  ModelCatalog,
  type ModelManifest,
  modelsDir,
  readModelFolder,
  redactRedisUrl,
  SwitchboardError,
} from '@switchboard/core';
import { WORKER_ENV, workerOptionsFromEnv } from '@switchboard/worker';
import type { Bench, BenchArgs } from './bench.js';
import { loadBenchTexts } from './bench-texts.js';
import { ensureTransformerModel } from './build-transformer-model.js';
import { formatNumber } from './markdown-table.js';
import { LOADS, type PerfTiming, runModel } from './perf-model-run.js';
import { perfReport, type RunContext } from './perf-report.js';
import { type ModelFigures, ratiosOf, targetsOf } from './perf-results.js';
import { Progress } from './progress.js';
import { type RawLayout, RawPool, rawSweep } from './raw-ort-sweep.js';
import { cpuModel, writeResults } from './results-file.js';

const FULL: PerfTiming = {
  rawBatches: [1, 2, 4, 8, 16, 32, 64],
  rawStepSeconds: 1.5,
  rounds: 3,
  warmSeconds: 1,
  sliceSeconds: 5,
  referenceSeconds: 2,
  idleSamples: 150,
  idleSeconds: 4,
  pointWarmSeconds: 1,
  pointSeconds: 10,
};

const QUICK: PerfTiming = {
  rawBatches: [1, 4, 16, 64],
  rawStepSeconds: 0.6,
  rounds: 2,
  warmSeconds: 0.5,
  sliceSeconds: 2.5,
  referenceSeconds: 1,
  idleSamples: 60,
  idleSeconds: 2,
  pointWarmSeconds: 0.5,
  pointSeconds: 4,
};

/** Token range of the transformer's texts: short chat-sized messages. */
const SHORT_TEXT_IDS: readonly [number, number] = [10, 30];

/**
 * The performance bench of issue 9: for the default model and a transformer-sized one, raw
 * onnxruntime at its best batch beside Switchboard end to end through the queue (batching on and
 * off) and through the HTTP API, with open-loop latency, idle latency and worker memory.
 */
export const perfBench: Bench = {
  name: 'perf',
  description:
    'raw onnxruntime vs queue (batching on/off) vs HTTP API, for the default and a transformer-sized model: saturation texts/s, Poisson p50/p95/p99 at 25/50/90% load, idle p50, worker RSS (--model NAME_OR_PATH, --quick, --skip-transformer, --transformer-only, --variants "VAR=V,...;...", --rounds, --callers, --redis; worker env vars apply)',
  options: {
    model: { type: 'string', default: 'sentiment' },
    data: { type: 'string', default: 'sentiment' },
    redis: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'skip-transformer': { type: 'boolean', default: false },
    'transformer-only': { type: 'boolean', default: false },
    variants: { type: 'string', default: '' },
    rounds: { type: 'string' },
    callers: { type: 'string', default: '128' },
  },
  run: runPerfBench,
};

async function runPerfBench(args: BenchArgs): Promise<void> {
  const started = performance.now();
  const base = args.quick ? QUICK : FULL;
  const rounds = args.rounds === undefined ? base.rounds : Number(args.rounds);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`--rounds must be a positive integer, got ${args.rounds}`);
  const timing: PerfTiming = { ...base, rounds };
  const callers = Number(args.callers);
  if (!Number.isInteger(callers) || callers < 1)
    throw new Error(`--callers must be a positive integer, got ${args.callers}`);
  const redisUrl = String(args.redis ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL);
  const progress = new Progress();
  const load = sampleLoadAverage();
  await checkRedis(redisUrl);

  const defaults = workerOptionsFromEnv();
  const cpus = os.availableParallelism();
  const layouts = rawLayouts(cpus, defaults.processes, defaults.intraOpThreads);
  if (args['skip-transformer'] && args['transformer-only']) {
    throw new Error('--skip-transformer and --transformer-only leave nothing to bench; pass one of them.');
  }
  const variants = parseVariants(String(args.variants ?? ''));
  const manifests: { manifest: ModelManifest; role: ModelFigures['role'] }[] = [];
  if (!args['transformer-only']) {
    manifests.push({ manifest: await resolveModel(String(args.model)), role: 'default' });
  }
  if (!args['skip-transformer']) {
    progress.update('perf: building the transformer-sized model (once; kept in bench/.cache)');
    const built = await ensureTransformerModel();
    progress.done(`perf: transformer-sized model ${built.built ? 'built' : 'from the cache'}: ${built.dir}`);
    manifests.push({ manifest: await readModelFolder(built.dir), role: 'transformer' });
  }
  progress.done(
    `perf: ${manifests.map((m) => m.manifest.name).join(' and ')}; ${defaults.processes} worker processes, Redis ${redactRedisUrl(redisUrl)}${args.quick ? ', --quick' : ''}`,
  );

  const models: ModelFigures[] = [];
  for (const [i, { manifest, role }] of manifests.entries()) {
    const tag = `[${manifest.name}]`;
    const texts = await textsFor(manifest, String(args.data));
    progress.done(`${tag} ${texts.count} texts (${texts.selection})`);
    const raw = await rawSweep({
      modelDir: manifest.dir,
      texts: texts.texts,
      layouts,
      batches: timing.rawBatches,
      stepSeconds: timing.rawStepSeconds,
      onProgress: (line) => progress.update(`${tag} raw onnxruntime: ${line}`),
    });
    progress.done(
      `${tag} raw onnxruntime best: ${formatNumber(raw.best.textsPerSecond)} texts/s (${raw.best.processes} proc × ${raw.best.threads} thread, batch ${raw.best.batch})`,
    );
    // The ceiling again in every round: the best layout stays up, asleep between its runs.
    progress.update(
      `${tag} raw onnxruntime: keeping ${raw.best.processes} × ${raw.best.threads} up for the rounds`,
    );
    const reference = await RawPool.start(manifest.dir, raw.best, texts.texts);
    let measured: Awaited<ReturnType<typeof runModel>>;
    try {
      measured = await runModel({
        manifest,
        texts: texts.texts,
        reference,
        referenceBatch: raw.best.batch,
        noop: i === 0 && role === 'default',
        variants,
        redisUrl,
        processes: defaults.processes,
        maxBatch: defaults.maxBatch,
        maxWaitMs: defaults.maxWaitMs,
        callers,
        timing,
        progress,
      });
    } finally {
      await reference.close();
    }
    const { cases, rawRounds } = measured;
    models.push({
      name: manifest.name,
      dir: manifest.dir,
      role,
      encoderKind: manifest.encoderKind,
      sizeBytes: manifest.sizeBytes,
      texts: {
        source: texts.source,
        count: texts.count,
        selection: texts.selection,
        idsPerText: raw.idsPerText,
      },
      raw,
      rawRounds,
      cases,
      ratios: ratiosOf(raw, rawRounds, cases),
    });
  }

  const targets = targetsOf(models);
  const loadAverage = load.stop();
  const worker = {
    WORKER_PROCESSES: defaults.processes,
    WORKER_CONCURRENCY: defaults.concurrency,
    BATCH_MAX_SIZE: defaults.maxBatch,
    BATCH_MAX_TOKENS: defaults.maxTokens,
    BATCH_MAX_WAIT_MS: defaults.maxWaitMs,
    ORT_INTRA_OP_THREADS: defaults.intraOpThreads,
  };
  const run: RunContext = {
    cpus,
    cpuModel: cpuModel(),
    node: process.version,
    loadAverage,
    minutes: (performance.now() - started) / 60_000,
    quick: Boolean(args.quick),
    rounds: timing.rounds,
    worker,
  };
  const file = await writeResults('perf', {
    bench: 'perf',
    date: new Date().toISOString(),
    machine: {
      cpus,
      cpuModel: run.cpuModel,
      node: run.node,
      platform: `${process.platform}-${process.arch}`,
      loadAverage,
    },
    redis: redactRedisUrl(redisUrl),
    settings: { quick: run.quick, callers, timing, loads: LOADS, worker, variants },
    models,
    targets,
    minutes: run.minutes,
  });
  process.stdout.write(`${perfReport(models, targets, run)}\n\nJSON: ${file}\n`);
}

/**
 * Ways to give the machine's cores to onnxruntime: one single-threaded process per core (as the
 * workers run by default), one process with a thread per core, and the workers' own layout.
 */
function rawLayouts(cpus: number, processes: number, threads: number): RawLayout[] {
  const candidates: RawLayout[] = [
    { processes: cpus, threads: 1 },
    { processes: 1, threads: cpus },
    { processes, threads: threads === 0 ? cpus : threads },
  ];
  return candidates.filter(
    (l, i) => candidates.findIndex((o) => o.processes === l.processes && o.threads === l.threads) === i,
  );
}

interface PerfTexts {
  readonly texts: readonly string[];
  readonly source: string;
  readonly count: number;
  readonly selection: string;
}

/**
 * The bench texts; for a tokenizer model, those of 10–30 tokens (chat-sized messages), which is
 * what a small transformer classifier usually serves.
 */
async function textsFor(manifest: ModelManifest, data: string): Promise<PerfTexts> {
  const { texts, source } = await loadBenchTexts(data);
  if (manifest.encoderKind !== 'tokenizer') {
    return { texts, source, count: texts.length, selection: 'all of them' };
  }
  const encoder = await createEncoder(manifest);
  const [min, max] = SHORT_TEXT_IDS;
  const short = texts.filter((t) => {
    const n = encoder.encode(t).ids.length;
    return n >= min && n <= max;
  });
  if (short.length < 50) {
    return { texts, source, count: texts.length, selection: `all of them (too few of ${min}–${max} tokens)` };
  }
  return { texts: short, source, count: short.length, selection: `those of ${min}–${max} tokens` };
}

/**
 * `--variants "BATCH_MAX_WAIT_MS=0;WORKER_CONCURRENCY=16,BATCH_MAX_SIZE=16"`: worker settings to
 * measure beside the defaults, in the same rounds (`;` between variants, `,` between variables).
 */
function parseVariants(text: string): Record<string, string>[] {
  const known = new Set(Object.values(WORKER_ENV));
  return text
    .split(';')
    .map((v) => v.trim())
    .filter(Boolean)
    .map((variant) => {
      const env: Record<string, string> = {};
      for (const pair of variant.split(',')) {
        const [name, value, ...rest] = pair.split('=').map((x) => x.trim());
        if (!name || value === undefined || value === '' || rest.length > 0 || !known.has(name)) {
          throw new Error(
            `--variants: "${pair}" is not NAME=VALUE with a worker variable (${[...known].join(', ')}).`,
          );
        }
        env[name] = value;
      }
      workerOptionsFromEnv(env);
      return env;
    });
}

/** A model folder path (contains a slash), else a model name in `modelsDir()`. */
async function resolveModel(nameOrPath: string): Promise<ModelManifest> {
  if (nameOrPath.includes('/') || nameOrPath.includes('\\') || isAbsolute(nameOrPath)) {
    return readModelFolder(resolve(nameOrPath));
  }
  try {
    return await new ModelCatalog(modelsDir()).get(nameOrPath);
  } catch (err) {
    if (!(err instanceof SwitchboardError)) throw err;
    throw new Error(
      `${err.message} Looked in ${modelsDir()} (SWITCHBOARD_MODELS sets another folder). Train it first (pnpm switchboard train), or pass --model with a model folder path.`,
      { cause: err },
    );
  }
}

async function checkRedis(redisUrl: string): Promise<void> {
  try {
    await (await ClassifyQueue.connect({ redisUrl, prefix: 'bench-probe' })).close();
  } catch (err) {
    if (!(err instanceof SwitchboardError)) throw err;
    throw new Error(
      `${err.message} The perf bench needs Redis: start one (redis-server) or pass --redis redis://HOST:PORT.`,
    );
  }
}

/** Samples the 1-minute load average every 2 s: how busy the shared machine was during the run. */
function sampleLoadAverage(): { stop(): RunContext['loadAverage'] } {
  const before = os.loadavg()[0]!;
  const samples: number[] = [before];
  const timer = setInterval(() => samples.push(os.loadavg()[0]!), 2_000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      samples.push(os.loadavg()[0]!);
      return {
        before,
        min: Math.min(...samples),
        mean: samples.reduce((a, b) => a + b, 0) / samples.length,
        max: Math.max(...samples),
      };
    },
  };
}
