import {
  CLASSIFY_QUEUE,
  type ClassifyRequest,
  connectionFromUrl,
  jobOptions,
  parseClassifyRequest,
} from '@switchboard/core';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FILLER_WORDS } from '../helpers/cue-model.js';
import { RedisServer } from '../helpers/redis-server.js';
import { testRequest } from '../helpers/requests.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { metricSum, scrapeMetrics } from '../helpers/worker-metrics.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';
import { asciiChart } from './ascii-chart.js';
import { mean, quarters, redisUsedMemory, residentBytes } from './memory-sample.js';

// Soak: tens of thousands of tiny jobs through producers → Redis → worker processes, watching the
// memory of the workers and of Redis, and the trimming of finished jobs. The CI run is 50,000
// one-text jobs of the cue model; longer or slower soaks through the environment, e.g.
//   SOAK_JOBS=500000 SOAK_RATE=400 npx vitest run test/src/soak
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const JOBS = env('SOAK_JOBS', 50_000);
/** Jobs a second the producers aim for (the CI run: ~2 minutes); 0: as fast as the workers take them. */
const RATE = env('SOAK_RATE', 420);
const WORKERS = env('SOAK_WORKERS', 2);
const SAMPLE_MS = env('SOAK_SAMPLE_MS', 2_000);
/** Completed jobs kept (the producers' `completedCount` retention). */
const KEEP_COMPLETED = 1_000;
/** Unfinished jobs the producers allow before pausing: the queue is kept busy, not flooded. */
const MAX_BACKLOG = 3_000;
const CHUNK = 500;
/** Samples from the first part of the run are warm-up (JIT, buffers, the events stream filling). */
const WARM_UP_FRACTION = 0.15;

interface Sample {
  readonly t: number;
  readonly done: number;
  readonly rss: number[];
  readonly redis: number;
  readonly completedSet: number;
  readonly backlog: number;
}

const prefix = 'soak';
let redis: RedisServer;
let models: TestModels;
let workers: WorkerProcess[] = [];
let queue: Queue;
let client: Redis;

beforeAll(async () => {
  // A Redis of its own, so that used_memory is this soak's and nobody else's.
  redis = await RedisServer.start();
  models = await createTestModels();
  workers = await Promise.all(
    Array.from({ length: WORKERS }, () =>
      startWorker({ redisUrl: redis.url, prefix, modelsDir: models.dir, env: { WORKER_CONCURRENCY: '64' } }),
    ),
  );
  queue = new Queue(CLASSIFY_QUEUE, {
    connection: connectionFromUrl(redis.url),
    prefix,
    defaultJobOptions: jobOptions({ completedCount: KEEP_COMPLETED }),
  });
  client = new Redis(redis.url);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await queue?.close();
  client?.disconnect();
  await redis?.close();
  await models?.remove();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Job `i`: one short text of filler words, a cue word in two of three. */
function request(i: number): ClassifyRequest {
  const a = FILLER_WORDS[i % FILLER_WORDS.length]!;
  const b = FILLER_WORDS[(i * 7) % FILLER_WORDS.length]!;
  return parseClassifyRequest(testRequest(FAST_MODEL, [`${a} ${['sunny', 'rainy', 'calm'][i % 3]} ${b}`]));
}

async function finishedSoFar(): Promise<number> {
  const scrapes = await Promise.all(workers.map((w) => scrapeMetrics(w.baseUrl)));
  return scrapes.reduce((sum, s) => sum + metricSum(s, 'switchboard_jobs_completed_total'), 0);
}

it(`runs ${JOBS} jobs with bounded worker and Redis memory, trimming finished jobs`, {
  timeout: 600_000,
}, async () => {
  const completedKey = `${prefix}:${CLASSIFY_QUEUE}:completed`;
  const started = Date.now();
  const samples: Sample[] = [];
  let deepestCompletedSet = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const [done, rss, used, completedSet, counts] = await Promise.all([
        finishedSoFar(),
        Promise.all(workers.map((w) => residentBytes(w.pid))),
        redisUsedMemory(client),
        client.zcard(completedKey),
        queue.getJobCounts('waiting', 'active', 'prioritized', 'delayed'),
      ]);
      const backlog = Object.values(counts).reduce((a, b) => a + b, 0);
      samples.push({ t: (Date.now() - started) / 1_000, done, rss, redis: used, completedSet, backlog });
      await pause(SAMPLE_MS);
    }
  })();

  // Producers: bulk adds while the backlog allows (and the target rate, if any); the sleep paces
  // the load generator, it waits for nothing in the system under test.
  let added = 0;
  while (added < JOBS) {
    const c = await queue.getJobCounts('waiting', 'active', 'prioritized');
    const backlog = c.waiting! + c.active! + c.prioritized!;
    deepestCompletedSet = Math.max(deepestCompletedSet, await client.zcard(completedKey));
    const dueByRate = RATE > 0 ? Math.floor(((Date.now() - started) / 1_000) * RATE) - added : CHUNK;
    const room = Math.min(MAX_BACKLOG - backlog, dueByRate, JOBS - added, CHUNK);
    if (room <= 0) {
      await pause(20);
      continue;
    }
    const batch = Array.from({ length: room }, (_, k) => request(added + k));
    await queue.addBulk(batch.map((r) => ({ name: r.model, data: r, opts: { jobId: r.id } })));
    added += room;
  }
  await waitFor(
    async () => {
      deepestCompletedSet = Math.max(deepestCompletedSet, await client.zcard(completedKey));
      return (await finishedSoFar()) >= JOBS;
    },
    { timeoutMs: 120_000, intervalMs: 200, what: `all ${JOBS} jobs to finish` },
  );
  const seconds = (Date.now() - started) / 1_000;
  sampling = false;
  await sampler;

  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
  const events = await client.xlen(`${prefix}:${CLASSIFY_QUEUE}:events`);
  const jobKeys = (await client.dbsize()) as number;

  // Print the curves before judging them.
  const mb = (b: number) => b / 1_048_576;
  console.log(
    [
      `soak: ${JOBS} jobs in ${seconds.toFixed(0)} s (${(JOBS / seconds).toFixed(0)} jobs/s) through ${WORKERS} ` +
        `worker processes; ${samples.length} samples every ${SAMPLE_MS / 1_000} s; completed kept ${KEEP_COMPLETED}`,
      asciiChart(
        [
          ...workers.map((_, w) => ({
            name: `worker ${w} RSS MB`,
            values: samples.map((s) => mb(s.rss[w]!)),
          })),
          { name: 'Redis used MB', values: samples.map((s) => mb(s.redis)) },
          { name: 'completed set', values: samples.map((s) => s.completedSet) },
          { name: 'backlog', values: samples.map((s) => s.backlog) },
          { name: 'jobs done', values: samples.map((s) => s.done) },
        ],
        60,
      ),
      `at the end: ${counts.completed} completed kept, ${counts.failed} failed, events stream ${events} entries, ` +
        `${jobKeys} keys in Redis; largest completed set seen ${deepestCompletedSet}`,
    ].join('\n'),
  );

  expect(counts).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
  // Finished jobs are trimmed as configured: never more than the retention, and so are their keys.
  expect(deepestCompletedSet).toBeLessThanOrEqual(KEEP_COMPLETED + 10);
  expect(Math.max(...samples.map((s) => s.completedSet))).toBeLessThanOrEqual(KEEP_COMPLETED + 10);
  expect(counts.completed).toBeLessThanOrEqual(KEEP_COMPLETED);
  expect(jobKeys).toBeLessThan(KEEP_COMPLETED + 200);

  // Memory after warm-up: the last quarter's mean within 1.5× the first quarter's.
  const steady = samples.filter((s) => s.done >= JOBS * WARM_UP_FRACTION);
  expect(steady.length, 'samples after warm-up (a run this short cannot tell)').toBeGreaterThanOrEqual(4);
  const { first, last } = quarters(steady);
  const rss = workers.map((_, w) => ({
    early: mean(first.map((s) => s.rss[w]!)),
    late: mean(last.map((s) => s.rss[w]!)),
  }));
  // Redis: bounded once trimming holds the completed set at its limit.
  const trimmed = steady.filter((s) => s.completedSet >= KEEP_COMPLETED * 0.9);
  const redisQuarters = quarters(trimmed.length >= 4 ? trimmed : steady);
  const redisEarly = mean(redisQuarters.first.map((s) => s.redis));
  const redisLate = mean(redisQuarters.last.map((s) => s.redis));
  console.log(
    `after warm-up, first → last quarter: ${rss
      .map((r, w) => `worker ${w} RSS ${mb(r.early).toFixed(0)} → ${mb(r.late).toFixed(0)} MB`)
      .join(', ')}; Redis used ${mb(redisEarly).toFixed(1)} → ${mb(redisLate).toFixed(1)} MB`,
  );
  for (const [w, r] of rss.entries()) expect(r.late, `worker ${w} RSS`).toBeLessThanOrEqual(r.early * 1.5);
  expect(redisLate, 'Redis used_memory').toBeLessThanOrEqual(redisEarly * 1.5);
});
