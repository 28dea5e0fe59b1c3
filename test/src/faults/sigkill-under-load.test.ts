import {
  CLASSIFY_QUEUE,
  ClassifyQueue,
  connectionFromUrl,
  type Delivery,
  deliveryQueueName,
} from '@switchboard/core';
import { type Job, Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cueLabel } from '../helpers/cue-model.js';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { testRequest } from '../helpers/requests.js';
import { createTestModels, SLOW_MODEL, type TestModels } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';
import { runPacedProducers } from './paced-producers.js';

// The quiet variant (all jobs enqueued first, then the kill) is test/src/queue/worker-faults.test.ts;
// this one kills while producers are still adding jobs, as in production.

const redisUrl = SHARED_REDIS_URL;
const prefix = uniquePrefix('fault-kill');
const CHANNEL = 'faults';
const JOBS = 800;
const PRODUCERS = 4;

// Short locks so that the dead worker's jobs come back within seconds, not the default 30 s.
const FAULT_ENV = {
  WORKER_LOCK_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  WORKER_CONCURRENCY: '16',
  SWITCHBOARD_WORKER_MODELS: SLOW_MODEL,
};

let models: TestModels;
const workers: WorkerProcess[] = [];
const producers: ClassifyQueue[] = [];
let raw: Queue;
let deliveries: Queue;

beforeAll(async () => {
  // Tens of ms a run of a full batch, so the victim holds jobs when the kill lands. (64 rows ran
  // a text in well under 1 ms on a quiet machine: the victim could finish everything it held
  // between the check and the kill.)
  models = await createTestModels({ slow: { rows: 256 } });
  raw = new Queue(CLASSIFY_QUEUE, { connection: connectionFromUrl(redisUrl), prefix });
  deliveries = new Queue(deliveryQueueName(CHANNEL), { connection: connectionFromUrl(redisUrl), prefix });
  producers.push(
    ...(await Promise.all(
      Array.from({ length: PRODUCERS }, () => ClassifyQueue.connect({ redisUrl, prefix })),
    )),
  );
  workers.push(
    ...(await Promise.all(
      [0, 1].map(() => startWorker({ redisUrl, prefix, modelsDir: models.dir, env: FAULT_ENV })),
    )),
  );
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(producers.map((p) => p.close()));
  await raw?.close();
  await deliveries?.close();
  await deletePrefixKeys(redisUrl, prefix);
  await models?.remove();
});

/** True when `job` is held by the worker process `pid` (BullMQ records the worker's name). */
function heldBy(job: Job, pid: number): boolean {
  return job.processedBy?.includes(`-${pid}-`) === true;
}

it('completes every job when a worker is SIGKILLed while producers keep adding, and counts duplicates', async () => {
  const [victim, survivor] = workers as [WorkerProcess, WorkerProcess];
  const requests = Array.from({ length: JOBS }, (_, i) =>
    testRequest(
      SLOW_MODEL,
      [['sunny', 'rainy', 'calm'][i % 3]!, `the weather ${['rainy', 'sunny'][i % 2]}`],
      {
        channel: CHANNEL,
        replyMode: 'deliver',
      },
    ),
  );
  // ~4 s of traffic; the kill comes about a third of the way in.
  const load = runPacedProducers({ queues: producers, requests, perSecond: 200 });

  await waitFor(
    async () =>
      load.acknowledged.size >= JOBS / 3 &&
      (await raw.getActive()).filter((j) => heldBy(j, victim.pid)).length >= 4,
    { intervalMs: 10, what: 'a third of the jobs enqueued and the victim holding jobs' },
  );
  const killedAt = Date.now();
  const enqueuedAtKill = load.acknowledged.size;
  expect((await victim.kill('SIGKILL')).signal).toBe('SIGKILL');
  // Its jobs stay active under its name until their locks expire: exactly what it held.
  const heldAtKill = (await raw.getActive()).filter((j) => heldBy(j, victim.pid));
  expect(heldAtKill.length).toBeGreaterThan(0);

  await load.done;
  expect(load.acknowledged.size).toBe(JOBS);
  // Producers were still adding after the kill: the fault happened under load.
  expect(enqueuedAtKill).toBeLessThan(JOBS);

  const counts = await waitFor(
    async () => {
      const c = await producers[0]!.counts();
      return c.completed === JOBS ? c : undefined;
    },
    { timeoutMs: 60_000, what: 'every job to complete after stall recovery' },
  );
  expect(counts).toMatchObject({ failed: 0, active: 0, waiting: 0, delayed: 0 });

  const finished = await Promise.all(requests.map((r) => raw.getJob(r.id)));
  for (const [i, job] of finished.entries()) {
    expect(job?.returnvalue.results.map((r: { top: { label: string } }) => r.top.label)).toEqual(
      requests[i]!.texts.map(cueLabel),
    );
  }
  const held = new Set(heldAtKill.map((j) => j.id));
  const recovered = finished.filter((j) => held.has(j!.id));
  expect(recovered.every((j) => j!.stalledCounter > 0 && heldBy(j!, survivor.pid))).toBe(true);

  // One delivery per job whatever happened: the delivery's id is the request id.
  expect((await deliveries.getJobCounts('waiting')).waiting).toBe(JOBS);
  // A job classified twice shows it: its delivery was published by the victim's run, so its result
  // is not the one the job finally completed with. (A run that died between the ONNX batch and
  // publishing leaves no trace, so this counts at least the duplicates; `rerun` bounds them.)
  let duplicates = 0;
  for (const job of finished) {
    const delivery = await deliveries.getJob(job!.id!);
    const published = (delivery?.data as Delivery | undefined)?.outcome;
    if (published?.ok && published.result.finishedAt !== job!.returnvalue.finishedAt) duplicates++;
  }
  const rerun = finished.filter((j) => j!.stalledCounter > 0).length;
  expect(duplicates).toBeLessThanOrEqual(rerun);
  const lastDone = Math.max(...finished.map((j) => j!.finishedOn ?? 0));
  console.log(
    `duplicates after SIGKILL: ${duplicates} of ${JOBS} (victim held ${heldAtKill.length} at the kill, ` +
      `${rerun} re-run after stall recovery; ${enqueuedAtKill} enqueued before the kill, ` +
      `last job done ${((lastDone - killedAt) / 1_000).toFixed(1)} s after it)`,
  );
});
