import { ClassifyQueue, redactRedisUrl, unavailable } from '@switchboard/core';
import type { Logger } from 'pino';

/** Options of {@link QueueLink}. */
export interface QueueLinkOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  /** Delay between connection attempts while Redis is unreachable. Default 2 s. */
  readonly retryMs?: number;
}

/**
 * The API's producer connection, kept alive across Redis outages: the server starts (and answers
 * 503 with a clear message) even when Redis is not there yet, connects as soon as it is, and fails
 * fast in between instead of letting requests hang.
 */
export class QueueLink {
  private readonly options: QueueLinkOptions;
  private readonly log: Logger;
  private queue: ClassifyQueue | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempt: Promise<void> | undefined;
  private closed = false;
  private warned = false;

  constructor(options: QueueLinkOptions, log: Logger) {
    this.options = options;
    this.log = log;
  }

  /** Tries to connect once; on failure keeps trying in the background. Resolves to "connected now". */
  async start(): Promise<boolean> {
    await this.connect();
    return this.queue !== undefined;
  }

  /**
   * The connected producer.
   * @throws SwitchboardError `queue_unavailable` while Redis cannot be reached
   */
  get(): ClassifyQueue {
    const queue = this.queue;
    if (queue?.connected) return queue;
    throw unavailable(this.options.redisUrl, new Error(queue ? 'connection lost' : 'not connected'));
  }

  /** True while the producer is connected. */
  get connected(): boolean {
    return this.queue?.connected === true;
  }

  /** Stops retrying and closes the connection. Safe to call more than once. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.attempt?.catch(() => {});
    await this.queue?.close();
  }

  private connect(): Promise<void> {
    this.attempt ??= (async () => {
      try {
        const queue = await ClassifyQueue.connect({
          redisUrl: this.options.redisUrl,
          prefix: this.options.prefix,
          connectTimeoutMs: 2_000,
        });
        if (this.closed) {
          await queue.close();
          return;
        }
        this.queue = queue;
        if (this.warned)
          this.log.info({ redis: redactRedisUrl(this.options.redisUrl) }, 'Redis reachable again');
      } catch (err) {
        if (!this.warned) {
          this.warned = true;
          this.log.warn(
            { err: (err as Error).message },
            'Redis unreachable: answering 503 until it is back (start it with "pnpm switchboard start", or set REDIS_URL)',
          );
        }
        if (!this.closed) {
          this.timer = setTimeout(() => void this.connect(), this.options.retryMs ?? 2_000);
          this.timer.unref();
        }
      } finally {
        this.attempt = undefined;
      }
    })();
    return this.attempt;
  }
}
