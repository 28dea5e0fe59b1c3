import {
  CLASSIFY_QUEUE,
  ClassifyQueue,
  type ClassifyRequest,
  connectionFromUrl,
  deliveryQueueName,
} from '@switchboard/core';
import { type Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cueLabel } from '../helpers/cue-model.js';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { testRequest } from '../helpers/requests.js';
import { createTestModels, SLOW_MODEL, type TestModels } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { metricSum, scrapeMetrics } from '../helpers/worker-metrics.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';

const redisUrl = SHARED_REDIS_URL;
let models: TestModels;
const workers: WorkerProcess[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

// Short locks so that a dead worker's jobs come back within seconds, not the default 30 s.
const FAULT_ENV = {
  WORKER_LOCK_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  WORKER_CONCURRENCY: '16',
  SWITCHBOARD_WORKER_MODELS: SLOW_MODEL,
};

beforeAll(async () => {
  // About 50 ms a run of a full batch here: kills and stops land in the middle of one.
  models = await createTestModels({ slow: { rows: 64 } });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  for (const cleanup of cleanups) await cleanup();
  await models?.remove();
});

/** A producer, a raw BullMQ view and a started worker set on a fresh prefix. */
async function setUp(tag: string, workerCount: number) {
  const prefix = uniquePrefix(tag);
  const queue = await ClassifyQueue.connect({ redisUrl, prefix });
  const raw = new Queue(CLASSIFY_QUEUE, { connection: connectionFromUrl(redisUrl), prefix });
  cleanups.push(
    () => queue.close(),
    () => raw.close(),
    () => deletePrefixKeys(redisUrl, prefix),
  );
  const started = await Promise.all(
    Array.from({ length: workerCount }, () =>
      startWorker({ redisUrl, prefix, modelsDir: models.dir, env: FAULT_ENV }),
    ),
  );
  workers.push(...started);
  return { prefix, queue, raw, workers: started };
}

function requests(n: number, overrides: Parameters<typeof testRequest>[2] = {}): ClassifyRequest[] {
  return Array.from({ length: n }, (_, i) =>
    testRequest(
      SLOW_MODEL,
      [['sunny', 'rainy', 'calm'][i % 3]!, `the weather ${['rainy', 'sunny'][i % 2]}`],
      overrides,
    ),
  );
}

/** True when `job` is held by the worker process `pid` (BullMQ records the worker's name). */
function heldBy(job: Job, pid: number): boolean {
  return job.processedBy?.includes(`-${pid}-`) === true;
}

describe('worker faults', () => {
  it('loses no job when a worker process is SIGKILLed in the middle of a batch', async () => {
    const { prefix, queue, raw, workers: pair } = await setUp('kill', 2);
    const [victim, survivor] = pair as [WorkerProcess, WorkerProcess];
    // Delivered jobs leave a trace of who classified them first: the worker publishes the delivery
    // right after the batch and before marking the job, and a re-run cannot publish it again.
    const jobs = requests(400, { channel: 'killchan', replyMode: 'deliver' });
    await Promise.all(jobs.map((j) => queue.enqueue(j)));

    await waitFor(async () => (await raw.getActive()).filter((j) => heldBy(j, victim.pid)).length >= 4, {
      intervalMs: 10,
      what: 'the victim to hold jobs',
    });
    const exit = await victim.kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    // The dead worker's jobs stay active under its name until their locks expire: exactly what it held.
    const heldAtKill = (await raw.getActive()).filter((j) => heldBy(j, victim.pid));
    expect(heldAtKill.length).toBeGreaterThan(0);

    const counts = await waitFor(
      async () => {
        const c = await queue.counts();
        return c.completed === jobs.length ? c : undefined;
      },
      { timeoutMs: 45_000, what: 'every job to complete after stall recovery' },
    );
    expect(counts).toMatchObject({ failed: 0, active: 0, waiting: 0, delayed: 0 });

    const finished = await Promise.all(jobs.map((j) => raw.getJob(j.id!)));
    for (const [i, job] of finished.entries()) {
      expect(job?.returnvalue.results.map((r: { top: { label: string } }) => r.top.label)).toEqual(
        jobs[i]!.texts.map(cueLabel),
      );
    }
    // The jobs the victim held were taken back from it, not lost and not failed.
    const held = new Set(heldAtKill.map((j) => j.id));
    const recovered = finished.filter((j) => held.has(j!.id));
    expect(recovered.map((j) => j!.stalledCounter > 0 && heldBy(j!, survivor.pid))).toEqual(
      recovered.map(() => true),
    );

    // Exactly one delivery per job, although some were classified twice.
    const deliveries = new Queue(deliveryQueueName('killchan'), {
      connection: connectionFromUrl(redisUrl),
      prefix,
    });
    cleanups.push(() => deliveries.close());
    expect((await deliveries.getJobCounts('waiting')).waiting).toBe(jobs.length);
    // A delivery older than the survivor's pick-up of its job was published by the victim: the
    // victim had classified that job when it died, and the survivor classified it again.
    const twice = (
      await Promise.all(
        recovered.map(async (j) => ((await deliveries.getJob(j!.id!))?.timestamp ?? 0) < j!.processedOn!),
      )
    ).filter(Boolean).length;
    const rerun = finished.filter((j) => j!.stalledCounter > 0).length;
    const survivorClassified = metricSum(
      await scrapeMetrics(survivor.baseUrl),
      'switchboard_jobs_completed_total',
    );
    console.info(
      `SIGKILL mid-batch: ${jobs.length} jobs; the victim held ${heldAtKill.length} when killed, ` +
        `${rerun} were re-run after stall recovery, ${twice} of them classified twice ` +
        `(the victim had finished their batch but not marked them); the survivor completed ${survivorClassified}.`,
    );
  });

  it('drains on SIGTERM: jobs in flight complete, the process exits 0, nothing is left active', async () => {
    const {
      queue,
      raw,
      workers: [worker],
    } = await setUp('drain', 1);
    const jobs = requests(200);
    await Promise.all(jobs.map((j) => queue.enqueue(j)));
    const inFlight = await waitFor(
      async () => {
        const active = await raw.getActive();
        return active.length >= 4 ? active : undefined;
      },
      { intervalMs: 10, what: 'jobs to be in flight' },
    );
    const exit = await worker!.kill('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });

    const counts = await queue.counts();
    expect(counts.active).toBe(0);
    expect(counts.failed).toBe(0);
    expect(counts.completed + counts.waiting).toBe(jobs.length);
    expect(counts.waiting).toBeGreaterThan(0);
    for (const job of inFlight) {
      const view = await queue.getJob(job.id!);
      expect(view?.state).toBe('completed');
      expect(view?.result?.results.map((r) => r.top.label)).toEqual(job.data.texts.map(cueLabel));
    }
    const completed = await raw.getCompleted(0, -1);
    expect(completed.every((j) => j.stalledCounter === 0)).toBe(true);
  });
});
