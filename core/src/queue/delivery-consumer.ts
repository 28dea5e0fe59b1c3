import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { type Delivery, DeliverySchema } from '../contracts/delivery.js';
import { DEFAULT_QUEUE_PREFIX, deliveryQueueName } from './queue-names.js';
import { queuePrefix } from './redis-cluster.js';
import { bullConnection } from './redis-connection.js';

/**
 * Thrown by a delivery handler when the platform said "slow down" (HTTP 429 with Retry-After):
 * the consumer pauses all deliveries for that long and tries the same one again, without using up
 * one of its attempts.
 */
export class RetryLaterError extends Error {
  /** How long to wait before the next delivery, in ms. */
  readonly delayMs: number;

  constructor(delayMs: number, message = `rate limited; retrying in ${delayMs} ms`) {
    super(message);
    this.name = 'RetryLaterError';
    this.delayMs = delayMs;
  }
}

/**
 * Thrown by a delivery handler when retrying cannot help (the channel is gone, the reply target is
 * malformed): the delivery fails at once and stays inspectable on the dashboard.
 */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** Options of {@link DeliveryConsumer}. */
export interface DeliveryConsumerOptions {
  /** Redis URL. */
  redisUrl: string;
  /** The channel whose deliveries to consume (`slack`, `discord`...). */
  channel: string;
  /** Posts one delivery to the platform; throws to retry, see {@link RetryLaterError}. */
  handler: (delivery: Delivery, attempt: number) => Promise<void>;
  /** Key prefix. Default `switchboard`. */
  prefix?: string;
  /** Deliveries posted at once. Default 4. */
  concurrency?: number;
  /** Called when a delivery finally fails, for logging. */
  onFailed?: (delivery: Delivery | undefined, error: Error) => void;
}

/**
 * The plugin side of a delivery queue: a BullMQ worker that hands each {@link Delivery} to the
 * plugin's handler, with retries and exponential backoff set by the publisher.
 */
export class DeliveryConsumer {
  private readonly worker: Worker;
  private readonly release: () => void;
  private closing: Promise<void> | undefined;

  constructor(options: DeliveryConsumerOptions) {
    const { handler } = options;
    const { connection, release } = bullConnection(options.redisUrl, 'consumer');
    this.release = release;
    this.worker = new Worker(
      deliveryQueueName(options.channel),
      async (job: Job) => {
        const parsed = DeliverySchema.safeParse(job.data);
        if (!parsed.success)
          throw new UnrecoverableError(`malformed delivery: ${parsed.error.issues[0]?.message}`);
        try {
          await handler(parsed.data, job.attemptsMade + 1);
        } catch (err) {
          if (err instanceof RetryLaterError) {
            await this.worker.rateLimit(err.delayMs);
            // BullMQ puts the job back without counting an attempt.
            throw Worker.RateLimitError();
          }
          if (err instanceof PermanentDeliveryError) throw new UnrecoverableError(err.message);
          throw err;
        }
      },
      {
        connection,
        prefix: queuePrefix(options.prefix ?? DEFAULT_QUEUE_PREFIX, options.redisUrl),
        concurrency: options.concurrency ?? 4,
        // A post takes milliseconds: a short lock lets a restarted plugin take over the deliveries a
        // crashed one held within ~15 s instead of BullMQ's default of a minute.
        lockDuration: 10_000,
        stalledInterval: 5_000,
        // BullMQ only honours rateLimit() (RetryLaterError) when the worker has a limiter: without
        // one, a fetch already waiting takes the job straight back. This one never limits by itself.
        limiter: { max: 1_000_000, duration: 1_000 },
        autorun: false,
      },
    );
    this.worker.on('error', () => {});
    this.worker.on('failed', (job, err) => {
      const final =
        job && (err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1));
      if (final) options.onFailed?.(DeliverySchema.safeParse(job.data).data, err);
    });
  }

  /** Starts consuming (resolves once the worker is connected). */
  async start(): Promise<void> {
    void this.worker.run();
    await this.worker.waitUntilReady();
  }

  /**
   * Stops taking deliveries and waits for those being posted. While Redis is unreachable a graceful
   * close would wait for it for ever (ioredis holds QUIT until it reconnects) and nothing could be
   * acknowledged anyway, so it closes at once then: unacknowledged deliveries return to the queue
   * when their lock expires. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const client = await this.worker.client;
      await this.worker.close(client.status !== 'ready');
      this.release();
    })();
    return this.closing;
  }
}
