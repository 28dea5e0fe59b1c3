import {
  ClassifyQueue,
  connectionFromUrl,
  type Delivery,
  deliveryQueueName,
  RetryLaterError,
} from '@switchboard/core';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryInbox } from '../helpers/delivery-inbox.js';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { testRequest } from '../helpers/requests.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';

const redisUrl = SHARED_REDIS_URL;
const prefix = uniquePrefix('deliver');
let models: TestModels;
let worker: WorkerProcess;
let queue: ClassifyQueue;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  models = await createTestModels();
  worker = await startWorker({ redisUrl, prefix, modelsDir: models.dir });
  queue = await ClassifyQueue.connect({ redisUrl, prefix });
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await queue?.close();
  await worker?.stop();
  await deletePrefixKeys(redisUrl, prefix);
  await models?.remove();
});

/** A started inbox that the file closes at the end. */
async function inbox(channel: string, react?: ConstructorParameters<typeof DeliveryInbox>[0]['react']) {
  const box = new DeliveryInbox({ redisUrl, prefix, channel, ...(react ? { react } : {}) });
  closers.push(() => box.close());
  await box.start();
  return box;
}

/** A BullMQ view of a channel's delivery queue, for counts. */
function deliveryQueue(channel: string): Queue {
  const q = new Queue(deliveryQueueName(channel), { connection: connectionFromUrl(redisUrl), prefix });
  closers.push(() => q.close());
  return q;
}

function deliverRequest(model: string, texts: string[], channel: string) {
  return testRequest(model, texts, {
    channel,
    replyMode: 'deliver',
    replyTo: { conversation: 'C123', thread: '42.17' },
  });
}

describe('deliveries to asynchronous channels', () => {
  it('puts a finished job on deliver-testchan, where the channel consumer receives its result', async () => {
    const box = await inbox('testchan');
    const request = deliverRequest(FAST_MODEL, ['a sunny day', 'a rainy night'], 'testchan');
    await queue.enqueue(request);
    const delivery = await box.delivery(request.id);
    expect(delivery.request).toEqual(request);
    expect(delivery.replyTo).toEqual({ conversation: 'C123', thread: '42.17' });
    expect(delivery.outcome.ok).toBe(true);
    const { result } = delivery.outcome as Extract<Delivery['outcome'], { ok: true }>;
    expect(result.id).toBe(request.id);
    expect(result.results.map((r) => r.top.label)).toEqual(['positive', 'negative']);
    // The job's own result is the same one the channel got.
    expect((await queue.getJob(request.id))?.result).toEqual(result);
    expect(box.callsFor(request.id).map((c) => c.attempt)).toEqual([1]);
  });

  it('delivers the error of a job that failed for good (unknown model)', async () => {
    const box = await inbox('errchan');
    const request = deliverRequest('no-such-model', ['a sunny day'], 'errchan');
    await queue.enqueue(request);
    const delivery = await box.delivery(request.id);
    expect(delivery.outcome).toEqual({
      ok: false,
      error: {
        code: 'unknown_model',
        message: `Unknown model "no-such-model". Available models: ${FAST_MODEL}.`,
      },
    });
    // The delivery is made durable before the job is marked failed, so the state follows shortly.
    await waitFor(async () => (await queue.getJob(request.id))?.state === 'failed', {
      what: 'the job to be failed',
    });
    expect((await queue.getJob(request.id))?.attemptsMade).toBe(1);
  });

  it('keeps a delivery until the channel consumer starts after the job has finished', async () => {
    const request = deliverRequest(FAST_MODEL, ['rainy'], 'latechan');
    await queue.enqueue(request);
    await queue.wait(request.id, 20_000);
    const pending = deliveryQueue('latechan');
    await waitFor(async () => (await pending.getJobCounts('waiting')).waiting === 1, {
      what: 'the delivery to wait on deliver-latechan',
    });

    const box = await inbox('latechan');
    const delivery = await box.delivery(request.id);
    expect(delivery.outcome.ok).toBe(true);
    await waitFor(async () => (await pending.getJobCounts('completed')).completed === 1, {
      what: 'the delivery to complete',
    });
  });

  it('waits as long as RetryLaterError says and then delivers, without using up an attempt', async () => {
    const delayMs = 400;
    const box = await inbox('slowchan', (delivery, attempt) => {
      if (box.callsFor(delivery.request.id).length === 1) throw new RetryLaterError(delayMs);
      expect(attempt).toBe(1);
    });
    const request = deliverRequest(FAST_MODEL, ['sunny'], 'slowchan');
    await queue.enqueue(request);
    const delivery = await box.delivery(request.id);
    expect(delivery.outcome.ok).toBe(true);
    const calls = box.callsFor(request.id);
    expect(calls.map((c) => c.attempt)).toEqual([1, 1]);
    // The retry honours the platform's Retry-After: it cannot come sooner than asked.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(delayMs - 5);
    const counts = await deliveryQueue('slowchan').getJobCounts('completed', 'failed', 'waiting', 'delayed');
    expect(counts).toMatchObject({ completed: 1, failed: 0, waiting: 0, delayed: 0 });
  });

  it('does not deliver requests that asked to be awaited', async () => {
    const request = testRequest(FAST_MODEL, ['sunny'], { channel: 'waitchan' });
    await queue.enqueueAndWait(request, 20_000);
    const counts = await deliveryQueue('waitchan').getJobCounts('waiting', 'completed');
    expect(counts).toMatchObject({ waiting: 0, completed: 0 });
    expect((await queue.getJob(request.id))?.state).toBe('completed');
  });
});
