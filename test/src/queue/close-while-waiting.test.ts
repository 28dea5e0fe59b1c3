import { ClassifyQueue } from '@switchboard/core';
import { afterAll, expect, it } from 'vitest';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { testRequest } from '../helpers/requests.js';

// A server that stops while a request still waits for its job (a client that gave up, a SIGTERM)
// closes its queue under that wait: the wait must fail like any other, never as an unhandled
// rejection, which would crash a real process.
const prefix = uniquePrefix('closewait');

afterAll(async () => {
  await deletePrefixKeys(SHARED_REDIS_URL, prefix);
});

it('fails a wait when the queue closes under it, at any point of the wait, and nothing is left unhandled', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    // No worker: every job stays waiting. Each round closes the queue a little later into the wait.
    for (let delayMs = 0; delayMs < 20; delayMs += 1) {
      const queue = await ClassifyQueue.connect({ redisUrl: SHARED_REDIS_URL, prefix });
      const request = testRequest('weather', ['sunny']);
      const waiting = queue.enqueueAndWait(request, 1_000).then(
        () => 'resolved',
        () => 'rejected',
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await queue.close();
      expect(await waiting).toBe('rejected');
    }
    // Rejections are reported a tick late: give them time before looking.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(unhandled.map(String)).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
