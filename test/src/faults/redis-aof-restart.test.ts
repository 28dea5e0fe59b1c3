import { CLASSIFY_QUEUE, ClassifyQueue, connectionFromUrl } from '@switchboard/core';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cueLabel } from '../helpers/cue-model.js';
import { RedisServer } from '../helpers/redis-server.js';
import { testRequest } from '../helpers/requests.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';
import { runPacedProducers } from './paced-producers.js';

// The quiet restart (nothing flowing) is test/src/queue/redis-restart.test.ts. Here jobs flow
// while the test's own Redis, persisting every write (appendonly yes, appendfsync always), is
// restarted: gracefully, and by a crash.

const JOBS = 600;
const PRODUCERS = 3;

let redis: RedisServer;
let models: TestModels;
let worker: WorkerProcess;

beforeAll(async () => {
  redis = await RedisServer.start({ appendOnly: true, appendFsync: 'always' });
  models = await createTestModels();
});

afterAll(async () => {
  await worker?.stop();
  await redis?.close();
  await models?.remove();
});

describe.each([
  ['restarted (SIGTERM)', 'SIGTERM'],
  ['crashed (SIGKILL) and started again', 'SIGKILL'],
] as const)('Redis %s while jobs flow', (_, signal) => {
  const prefix = `aof-${signal.toLowerCase()}`;
  const producers: ClassifyQueue[] = [];

  afterAll(async () => {
    await worker?.stop();
    await Promise.all(producers.map((p) => p.close()));
  });

  it('loses no job: every id Redis acknowledged (and every one retried after) completes', async () => {
    // Short locks: a job whose completion could not be written during the outage comes back soon.
    worker = await startWorker({
      redisUrl: redis.url,
      prefix,
      modelsDir: models.dir,
      env: { WORKER_LOCK_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000' },
    });
    producers.push(
      ...(await Promise.all(
        Array.from({ length: PRODUCERS }, () => ClassifyQueue.connect({ redisUrl: redis.url, prefix })),
      )),
    );
    const requests = Array.from({ length: JOBS }, (_, i) =>
      testRequest(FAST_MODEL, [`the weather ${['sunny', 'rainy', 'today'][i % 3]}`]),
    );
    // ~4 s of traffic; refused requests are retried until Redis takes them, as a client would.
    const load = runPacedProducers({ queues: producers, requests, perSecond: 150, retryUnavailable: true });
    await waitFor(() => load.acknowledged.size >= JOBS / 3, { what: 'a third of the jobs enqueued' });
    const beforeOutage = new Set(load.acknowledged);

    await redis.stop(signal);
    await redis.resume();
    await load.done;
    expect(load.acknowledged.size).toBe(JOBS);
    expect(beforeOutage.size).toBeLessThan(JOBS);

    const check = new Queue(CLASSIFY_QUEUE, { connection: connectionFromUrl(redis.url), prefix });
    try {
      await waitFor(
        async () => {
          const c = await check.getJobCounts('completed', 'failed');
          return c.completed + c.failed >= JOBS;
        },
        { timeoutMs: 45_000, what: `all ${JOBS} jobs to finish after the restart` },
      );
      const jobs = await Promise.all(requests.map((r) => check.getJob(r.id)));
      const missing = requests.filter((_, i) => !jobs[i]).map((r) => r.id);
      expect(missing).toEqual([]);
      const states = await Promise.all(jobs.map((j) => j!.getState()));
      expect(states.filter((s) => s !== 'completed')).toEqual([]);
      for (const [i, job] of jobs.entries()) {
        expect(job!.returnvalue.results[0].top.label).toBe(cueLabel(requests[i]!.texts[0]!));
      }
      console.log(
        `Redis ${signal} mid-run: ${beforeOutage.size} of ${JOBS} jobs were acknowledged before it, ` +
          `${load.unavailable} enqueue calls refused during the outage and retried; all ${JOBS} completed.`,
      );
    } finally {
      await check.close();
    }
    expect(worker.running).toBe(true);
  });
});
