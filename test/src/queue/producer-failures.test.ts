import { CLASSIFY_QUEUE, ClassifyQueue, connectionFromUrl, SwitchboardError } from '@switchboard/core';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.js';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { testRequest } from '../helpers/requests.js';
import { within } from '../helpers/wait-for.js';

// No worker runs in this file: jobs stay waiting, which is what the timeouts are about.
const redisUrl = SHARED_REDIS_URL;
const prefix = uniquePrefix('nowork');
let queue: ClassifyQueue;

beforeAll(async () => {
  queue = await ClassifyQueue.connect({ redisUrl, prefix });
});

afterAll(async () => {
  await queue?.close();
  await deletePrefixKeys(redisUrl, prefix);
});

async function rejection(promise: Promise<unknown>): Promise<SwitchboardError> {
  const error = await within(promise, 10_000, 'the call').then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SwitchboardError);
  return error as SwitchboardError;
}

describe('producer timeouts and failures', () => {
  it('times out enqueueAndWait when no worker takes the job, and leaves the job waiting', async () => {
    const request = testRequest('weather', ['sunny']);
    const error = await rejection(queue.enqueueAndWait(request, 300));
    expect(error.code).toBe('timeout');
    expect(error.message).toBe(`No result within 300 ms for job ${request.id}.`);
    expect((await queue.getJob(request.id))?.state).toBe('waiting');
  });

  it('times out a wait whose job is removed meanwhile', async () => {
    const request = testRequest('weather', ['rainy']);
    await queue.enqueue(request);
    const waiting = queue.wait(request.id, 500);
    const raw = new Queue(CLASSIFY_QUEUE, { connection: connectionFromUrl(redisUrl), prefix });
    try {
      await raw.remove(request.id);
    } finally {
      await raw.close();
    }
    const error = await rejection(waiting);
    expect(error.code).toBe('timeout');
    expect(await queue.getJob(request.id)).toBeUndefined();
  });

  it('says not_found when waiting for a job that does not exist', async () => {
    const error = await rejection(queue.wait('no-such-job', 5_000));
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('No job with id no-such-job.');
  });

  it('fails fast with queue_unavailable when Redis is unreachable', async () => {
    const port = await freePort();
    const error = await rejection(
      ClassifyQueue.connect({ redisUrl: `redis://127.0.0.1:${port}`, prefix, connectTimeoutMs: 1_000 }),
    );
    expect(error.code).toBe('queue_unavailable');
    expect(error.message).toMatch(
      new RegExp(
        `^The job queue is temporarily unavailable \\(Redis at redis://127\\.0\\.0\\.1:${port}.*\\)\\.$`,
      ),
    );
  });

  it('does not leave the password of an unreachable Redis in the message', async () => {
    const port = await freePort();
    const error = await rejection(
      ClassifyQueue.connect({ redisUrl: `redis://user:s3cret@127.0.0.1:${port}`, connectTimeoutMs: 500 }),
    );
    expect(error.code).toBe('queue_unavailable');
    expect(error.message).not.toContain('s3cret');
  });
});
