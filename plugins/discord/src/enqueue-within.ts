import { type ClassifyQueue, type ClassifyRequest, SwitchboardError } from '@switchboard/core';

/**
 * Enqueues, but gives up after `ms` with a `queue_unavailable` error: the producer fails fast when
 * Redis refuses connections, and this bound also covers a Redis that accepts and then hangs, so a
 * person always hears back within Discord's deadlines.
 */
export async function enqueueWithin(
  queue: ClassifyQueue,
  request: ClassifyRequest,
  ms = 2_000,
): Promise<void> {
  if (!queue.connected) {
    throw new SwitchboardError('queue_unavailable', 'The job queue is not connected.');
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      queue.enqueue(request),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new SwitchboardError('queue_unavailable', `The job queue did not answer within ${ms} ms.`),
            ),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** True for the failures that mean "the queue is down", as opposed to a bad request. */
export function isUnavailable(err: unknown): boolean {
  return err instanceof SwitchboardError && err.code === 'queue_unavailable';
}
