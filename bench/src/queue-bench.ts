import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import {
  CLASSIFY_QUEUE,
  ClassifyQueue,
  connectionFromUrl,
  DEFAULT_REDIS_URL,
  ModelCatalog,
  modelsDir,
  readModelFolder,
  redactRedisUrl,
  SwitchboardError,
} from '@switchboard/core';
import { workerOptionsFromEnv } from '@switchboard/worker';
import { Queue } from 'bullmq';
import type { Bench, BenchArgs } from './bench.js';
import { loadBenchTexts, REPO_ROOT } from './bench-texts.js';
import { formatNumber, markdownTable } from './markdown-table.js';
import { Progress } from './progress.js';
import { driveJobs, type LoadRun } from './queue-load.js';
import { machineInfo, writeResults } from './results-file.js';
import { ServiceProcess } from './service-process.js';
import { writeStandInModel } from './stand-in-model.js';
import { percentile } from './stats.js';

const WORKER_ENTRY = join(REPO_ROOT, 'worker', 'dist', 'worker-main.js');
const NOOP_ENTRY = join(REPO_ROOT, 'bench', 'dist', 'noop-worker-main.js');

/** One configuration measured. */
interface CaseSpec {
  readonly key: 'noop' | 'batching-on' | 'batching-off';
  readonly label: string;
  readonly entry: string;
  readonly env: Record<string, string>;
}

/** Figures of one case. */
export interface CaseFigures {
  readonly key: CaseSpec['key'];
  readonly label: string;
  readonly jobs: number;
  readonly seconds: number;
  readonly jobsPerSecond: number;
  /** Enqueue-to-result latency under load (`inFlight` callers). */
  readonly loaded: { p50Ms: number; p99Ms: number };
  /** Enqueue-to-result latency of jobs sent one at a time. */
  readonly single: { samples: number; p50Ms: number; p99Ms: number };
  /** Texts per onnxruntime run under load, from the worker's /metrics; none for the no-op. */
  readonly meanBatchSize: number | null;
}

/**
 * The cost of the pipeline over the queue alone: the same producer drives a worker process with
 * the default batching, one with batching off, and a BullMQ no-op worker, on one Redis.
 */
export const queueBench: Bench = {
  name: 'queue',
  description:
    'through the queue: jobs/s and latency p50/p99 of a worker process, batching on and off, beside a BullMQ no-op worker (--model, --jobs, --in-flight, --latency-jobs, --redis)',
  options: {
    model: { type: 'string', default: 'sentiment' },
    data: { type: 'string', default: 'sentiment' },
    jobs: { type: 'string', default: '3000' },
    'in-flight': { type: 'string', default: '64' },
    'latency-jobs': { type: 'string', default: '300' },
    redis: { type: 'string' },
  },
  run: runQueueBench,
};

async function runQueueBench(args: BenchArgs): Promise<void> {
  const jobs = positiveInt(args.jobs, '--jobs');
  const inFlight = positiveInt(args['in-flight'], '--in-flight');
  const latencyJobs = positiveInt(args['latency-jobs'], '--latency-jobs');
  const redisUrl = String(args.redis ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL);
  const progress = new Progress();
  await checkRedis(redisUrl);

  const model = await resolveModel(String(args.model));
  const { texts, source } = await loadBenchTexts(String(args.data));
  progress.done(`queue: model ${model.name} ${model.version} (${model.note}); texts from ${source}`);
  // The workers inherit this environment: their batch settings are these unless a case overrides one.
  const defaults = workerOptionsFromEnv();
  const modelEnv = { SWITCHBOARD_MODELS: model.dir, SWITCHBOARD_WORKER_MODELS: model.name };
  const cases: CaseSpec[] = [
    { key: 'noop', label: 'BullMQ, no-op processor', entry: NOOP_ENTRY, env: {} },
    {
      key: 'batching-on',
      label: `pipeline, batching on (max ${defaults.maxBatch}, wait ${defaults.maxWaitMs} ms)`,
      entry: WORKER_ENTRY,
      env: modelEnv,
    },
    {
      key: 'batching-off',
      label: 'pipeline, batching off (BATCH_MAX_SIZE=1)',
      entry: WORKER_ENTRY,
      env: { ...modelEnv, BATCH_MAX_SIZE: '1' },
    },
  ];

  const figures: CaseFigures[] = [];
  try {
    for (const spec of cases) {
      figures.push(
        await runCase(spec, { redisUrl, model: model.name, texts, jobs, inFlight, latencyJobs, progress }),
      );
    }
  } finally {
    await model.remove?.();
  }

  const noop = figures[0]!;
  const ratios = Object.fromEntries(
    figures.slice(1).map((f) => [
      f.key,
      {
        jobsPerSecond: f.jobsPerSecond / noop.jobsPerSecond,
        loadedP50: f.loaded.p50Ms / noop.loaded.p50Ms,
        loadedP99: f.loaded.p99Ms / noop.loaded.p99Ms,
        singleP50: f.single.p50Ms / noop.single.p50Ms,
        singleP99: f.single.p99Ms / noop.single.p99Ms,
      },
    ]),
  );
  const results = {
    bench: 'queue',
    date: new Date().toISOString(),
    machine: machineInfo(),
    redis: redactRedisUrl(redisUrl),
    model: { name: model.name, version: model.version, standIn: model.standIn, note: model.note },
    texts: { source, count: texts.length, textsPerJob: 1 },
    settings: {
      jobsPerCase: jobs,
      inFlight,
      latencyJobs,
      workerProcesses: 1,
      workerConcurrency: defaults.concurrency,
      batchMaxSize: defaults.maxBatch,
      batchMaxWaitMs: defaults.maxWaitMs,
    },
    cases: figures,
    ratios,
  };
  const file = await writeResults('queue', results);
  process.stdout.write(`${report(results)}\n\nJSON: ${file}\n`);
}

interface CaseContext {
  readonly redisUrl: string;
  readonly model: string;
  readonly texts: readonly string[];
  readonly jobs: number;
  readonly inFlight: number;
  readonly latencyJobs: number;
  readonly progress: Progress;
}

/** Starts the case's process on a fresh queue prefix, drives it, stops it and deletes the queue. */
async function runCase(spec: CaseSpec, ctx: CaseContext): Promise<CaseFigures> {
  const { progress } = ctx;
  const prefix = `bench-queue-${randomBytes(4).toString('hex')}`;
  progress.update(`  ${spec.label}: starting the worker process`);
  const service = await ServiceProcess.start(spec.entry, {
    REDIS_URL: ctx.redisUrl,
    SWITCHBOARD_QUEUE_PREFIX: prefix,
    WORKER_PROCESSES: '1',
    WORKER_METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    ...spec.env,
  });
  const queue = await ClassifyQueue.connect({ redisUrl: ctx.redisUrl, prefix });
  try {
    const drive = (tag: string, jobs: number, inFlight: number, what: string) =>
      driveJobs({
        queue,
        model: ctx.model,
        texts: ctx.texts,
        jobs,
        inFlight,
        tag,
        onJob: (done) => {
          if (done % 50 === 0)
            progress.update(`  ${spec.label}: ${what} ${formatNumber(done)} of ${formatNumber(jobs)} jobs`);
        },
      });
    // Uncounted: JIT, connection pools and the model's first runs.
    await drive('warm', Math.min(500, ctx.jobs), ctx.inFlight, 'warm-up');
    const loaded = await drive('load', ctx.jobs, ctx.inFlight, 'under load');
    const batchAfterLoad = await batchSizeOf(service);
    const single = await drive('single', ctx.latencyJobs, 1, 'one at a time');
    const figures = caseFigures(spec, loaded, single, batchAfterLoad);
    progress.done(
      `  ${spec.label}: ${formatNumber(figures.jobsPerSecond)} jobs/s, p50 ${formatNumber(figures.loaded.p50Ms, 2)} ms under load, ${formatNumber(figures.single.p50Ms, 2)} ms one at a time`,
    );
    return figures;
  } catch (err) {
    throw new Error(`${spec.label}: ${(err as Error).message}\nprocess output:\n${service.output}`, {
      cause: err,
    });
  } finally {
    await queue.close();
    await service.stop();
    await deleteQueue(ctx.redisUrl, prefix);
  }
}

function caseFigures(
  spec: CaseSpec,
  loaded: LoadRun,
  single: LoadRun,
  batch: { sum: number; count: number } | null,
): CaseFigures {
  return {
    key: spec.key,
    label: spec.label,
    jobs: loaded.jobs,
    seconds: loaded.seconds,
    jobsPerSecond: loaded.jobs / loaded.seconds,
    loaded: { p50Ms: percentile(loaded.durationsMs, 50), p99Ms: percentile(loaded.durationsMs, 99) },
    single: {
      samples: single.jobs,
      p50Ms: percentile(single.durationsMs, 50),
      p99Ms: percentile(single.durationsMs, 99),
    },
    // Warm-up and load phases only: read before the one-at-a-time phase adds its batches of one.
    meanBatchSize: batch && batch.count > 0 ? batch.sum / batch.count : null,
  };
}

/** Sum and count of the worker's batch-size histogram; null for a process without /metrics. */
async function batchSizeOf(service: ServiceProcess): Promise<{ sum: number; count: number } | null> {
  const port = service.ready.metricsPort;
  if (typeof port !== 'number') return null;
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const total = (name: string) =>
    [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce(
      (s, m) => s + Number(m[1]),
      0,
    );
  return { sum: total('switchboard_batch_size_sum'), count: total('switchboard_batch_size_count') };
}

/** Removes every key of the bench's queue. */
async function deleteQueue(redisUrl: string, prefix: string): Promise<void> {
  const queue = new Queue(CLASSIFY_QUEUE, { connection: connectionFromUrl(redisUrl), prefix });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}

async function checkRedis(redisUrl: string): Promise<void> {
  try {
    await (await ClassifyQueue.connect({ redisUrl, prefix: 'bench-probe' })).close();
  } catch (err) {
    if (!(err instanceof SwitchboardError)) throw err;
    throw new Error(
      `${err.message} The queue bench needs Redis: start one (redis-server) or pass --redis redis://HOST:PORT.`,
    );
  }
}

interface BenchModel {
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  readonly standIn: boolean;
  readonly note: string;
  readonly remove?: () => Promise<void>;
}

/** The model folder to bench, or a stand-in with the same shape when it is not there (said so). */
async function resolveModel(nameOrPath: string): Promise<BenchModel> {
  if (nameOrPath.includes('/') || nameOrPath.includes('\\') || isAbsolute(nameOrPath)) {
    const manifest = await readModelFolder(resolve(nameOrPath));
    return { ...fromManifest(manifest), dir: dirname(manifest.dir), name: basename(manifest.dir) };
  }
  const dir = modelsDir();
  try {
    return { ...fromManifest(await new ModelCatalog(dir).get(nameOrPath)), dir };
  } catch (err) {
    if (!(err instanceof SwitchboardError)) throw err;
    const standIn = await writeStandInModel(nameOrPath);
    return {
      dir: standIn.dir,
      name: standIn.name,
      version: '0.0.0-stand-in',
      standIn: true,
      note: `STAND-IN: ${nameOrPath} is not usable in ${dir} (${err.message}); benching a model of the trained one's shape with random weights instead`,
      remove: standIn.remove,
    };
  }
}

function fromManifest(m: { name: string; version: string; dir: string }) {
  return { name: m.name, version: m.version, standIn: false, note: m.dir };
}

function positiveInt(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${flag} must be a positive integer, got ${String(value)}`);
  return n;
}

function report(r: {
  model: { name: string; version: string; note: string; standIn: boolean };
  settings: {
    jobsPerCase: number;
    inFlight: number;
    latencyJobs: number;
    workerConcurrency: number | 'auto';
  };
  machine: { cpus: number; node: string; loadAverage1m: number };
  cases: readonly CaseFigures[];
}): string {
  const noop = r.cases[0]!;
  const ms = (v: number) => formatNumber(v, 2);
  const ratio = (a: number, b: number) => formatNumber(a / b, 2);
  const table = markdownTable(
    [
      'case',
      'jobs/s',
      'jobs/s ÷ no-op',
      'p50 ms',
      'p99 ms',
      'p50 ÷ no-op',
      'p99 ÷ no-op',
      'alone p50 ms',
      'alone p99 ms',
      'alone p50 ÷ no-op',
      'texts a run',
    ],
    r.cases.map((c) => [
      c.label,
      formatNumber(c.jobsPerSecond),
      ratio(c.jobsPerSecond, noop.jobsPerSecond),
      ms(c.loaded.p50Ms),
      ms(c.loaded.p99Ms),
      ratio(c.loaded.p50Ms, noop.loaded.p50Ms),
      ratio(c.loaded.p99Ms, noop.loaded.p99Ms),
      ms(c.single.p50Ms),
      ms(c.single.p99Ms),
      ratio(c.single.p50Ms, noop.single.p50Ms),
      c.meanBatchSize === null ? '-' : formatNumber(c.meanBatchSize, 1),
    ]),
  );
  return [
    `## Queue: ${r.model.name} ${r.model.version} through Redis and one worker process`,
    '',
    ...(r.model.standIn ? [`**${r.model.note}.**`, ''] : []),
    `${formatNumber(r.settings.jobsPerCase)} one-text jobs per case from ${r.settings.inFlight} callers that each await their job (enqueue to result), worker concurrency ${r.settings.workerConcurrency}; "alone": ${r.settings.latencyJobs} jobs sent one at a time. Ratios are case ÷ the no-op BullMQ worker. ${r.machine.cpus} CPUs shared by the producer, Redis and the worker (load average ${formatNumber(r.machine.loadAverage1m, 2)} at the end), Node ${r.machine.node}.`,
    '',
    table,
  ].join('\n');
}
