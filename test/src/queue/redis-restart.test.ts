import { ClassifyQueue, SwitchboardError } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../helpers/redis-server.js';
import { testRequest } from '../helpers/requests.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { waitFor, within } from '../helpers/wait-for.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';

// Stopping Redis is only allowed on a server of the test's own.
const prefix = 'restart';
let redis: RedisServer;
let models: TestModels;
let worker: WorkerProcess;
let queue: ClassifyQueue;

beforeAll(async () => {
  redis = await RedisServer.start({ appendOnly: true });
  models = await createTestModels();
  worker = await startWorker({ redisUrl: redis.url, prefix, modelsDir: models.dir });
  queue = await ClassifyQueue.connect({ redisUrl: redis.url, prefix });
});

afterAll(async () => {
  await queue?.close();
  await worker?.stop();
  await redis?.close();
  await models?.remove();
});

async function readyStatus(): Promise<number> {
  return (await fetch(`${worker.baseUrl}/readyz`)).status;
}

describe('a Redis restart', () => {
  it('is survived by the worker and the producer: jobs added after it complete', async () => {
    const before = testRequest(FAST_MODEL, ['sunny']);
    expect((await queue.enqueueAndWait(before, 20_000)).results[0]!.top.label).toBe('positive');

    await redis.stop();
    // While Redis is down, producers fail fast (a chat platform's deadline is seconds) ...
    const down = await within(queue.enqueue(testRequest(FAST_MODEL, ['rainy'])), 10_000, 'enqueue').catch(
      (err: unknown) => err,
    );
    expect(down).toBeInstanceOf(SwitchboardError);
    expect((down as SwitchboardError).code).toBe('queue_unavailable');
    await waitFor(() => !queue.connected, { what: 'the producer to notice' });
    // ... and the worker says it is alive but not ready.
    await waitFor(async () => (await readyStatus()) === 503, { what: '/readyz to answer 503' });
    expect((await fetch(`${worker.baseUrl}/healthz`)).status).toBe(200);

    await redis.resume();
    await waitFor(() => queue.connected, { what: 'the producer to reconnect' });
    const after = testRequest(FAST_MODEL, ['a rainy day', 'sunny again']);
    const result = await queue.enqueueAndWait(after, 30_000);
    expect(result.results.map((r) => r.top.label)).toEqual(['negative', 'positive']);
    await waitFor(async () => (await readyStatus()) === 200, { what: '/readyz to answer 200 again' });
    expect(worker.running).toBe(true);
    // The server kept its append-only file: the job from before the restart is still there.
    expect((await queue.getJob(before.id))?.state).toBe('completed');
  });
});
