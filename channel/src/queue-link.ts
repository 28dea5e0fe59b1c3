import {
  type ClassifyQueue,
  type ClassifyQueueOptions,
  type ClassifyRequest,
  ClassifyQueue as Queue,
  SwitchboardError,
  unavailable,
} from '@switchboard/core';
import type { Logger } from 'pino';

/** Pause between connection attempts while Redis has not been reached yet. */
const RETRY_MS = 2_000;

/**
 * A channel's producer, which may not exist yet: when Redis is down at start-up the service still
 * starts (and answers "temporarily unavailable") while this keeps trying to connect in the
 * background. Once connected, {@link ClassifyQueue} rides out later outages by itself.
 */
export class QueueLink {
  private queue: ClassifyQueue | undefined;
  private timer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;
  private failures = 0;

  constructor(
    private readonly options: ClassifyQueueOptions,
    private readonly log: Logger,
  ) {}

  /** Tries to connect once and resolves either way; keeps trying in the background if that failed. */
  async start(): Promise<void> {
    await this.attempt();
  }

  /** True while the producer exists and its connection is up. */
  get connected(): boolean {
    return this.queue?.connected ?? false;
  }

  /**
   * Enqueues `request`, giving up after `deadlineMs` with `queue_unavailable`: the producer fails
   * fast when Redis refuses connections, and this bound also covers a Redis that accepts and then
   * hangs, so the person always hears back within the platform's deadline.
   * @throws InputError for an invalid request, SwitchboardError `queue_unavailable` when Redis is down
   */
  async enqueue(request: ClassifyRequest, deadlineMs: number): Promise<string> {
    const queue = this.queue;
    if (!queue?.connected) throw unavailable(this.options.redisUrl, new Error('not connected'));
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        queue.enqueue(request),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new SwitchboardError(
                  'queue_unavailable',
                  `The job queue did not answer within ${deadlineMs} ms.`,
                ),
              ),
            deadlineMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops retrying and closes the producer. Safe to call more than once. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.connecting;
    await this.queue?.close();
  }

  private attempt(): Promise<void> {
    this.connecting = (async () => {
      try {
        const queue = await Queue.connect(this.options);
        if (this.closed) await queue.close();
        else this.queue = queue;
        if (this.failures > 0) this.log.info('job queue connected');
      } catch (err) {
        if (this.closed) return;
        // Once is enough at warn level: every answer shows the outage meanwhile.
        this.log[this.failures === 0 ? 'warn' : 'debug'](
          { err: (err as Error).message },
          `job queue not reachable; retrying every ${RETRY_MS / 1_000} s`,
        );
        this.failures += 1;
        this.timer = setTimeout(() => void this.attempt(), RETRY_MS);
        this.timer.unref();
      }
    })();
    return this.connecting;
  }
}
