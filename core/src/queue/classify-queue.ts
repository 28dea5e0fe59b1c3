import { type Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ClassifyRequest } from '../contracts/classify-request.js';
import { type ClassifyResult, ClassifyResultSchema } from '../contracts/classify-result.js';
import { parseClassifyRequest } from '../contracts/validate.js';
import { SwitchboardError } from '../errors.js';
import { decodeFailure, failureError } from './failure-reason.js';
import { type JobRetentionOptions, jobOptions } from './job-options.js';
import { CLASSIFY_QUEUE, DEFAULT_QUEUE_PREFIX } from './queue-names.js';
import { connectRedis, isConnectionError, redisOptions, unavailable } from './redis-connection.js';
import { waitForJob } from './wait-for-job.js';

/** Options of {@link ClassifyQueue}. */
export interface ClassifyQueueOptions {
  /** Redis URL. */
  redisUrl: string;
  /** Key prefix; tests use a unique one each. Default `switchboard`. */
  prefix?: string;
  /** Retries and retention of the jobs this producer adds. */
  retention?: JobRetentionOptions;
  /** How long {@link ClassifyQueue.connect} waits for Redis. Default 3 s. */
  connectTimeoutMs?: number;
}

/** Where a job is, as a producer sees it. */
export type JobState = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed' | 'unknown';

/** A job looked up by id. */
export interface JobView {
  readonly id: string;
  readonly state: JobState;
  readonly request: ClassifyRequest;
  readonly result?: ClassifyResult;
  readonly error?: { code: string; message: string };
  readonly attemptsMade: number;
}

/** Counts of jobs by state, for depth limits and dashboards. */
export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  prioritized: number;
}

/**
 * The producer side of the classification queue. Importable without onnxruntime. Every call fails
 * fast with a `queue_unavailable` {@link SwitchboardError} while Redis is down, and works again by
 * itself once Redis is back.
 */
export class ClassifyQueue {
  private readonly queue: Queue;
  private readonly redis: Redis;
  private readonly url: string;
  private readonly prefix: string;
  private events: Promise<QueueEvents> | undefined;
  private closing: Promise<void> | undefined;

  private constructor(redis: Redis, options: ClassifyQueueOptions) {
    this.redis = redis;
    this.url = options.redisUrl;
    this.prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    this.queue = new Queue(CLASSIFY_QUEUE, {
      connection: redis,
      prefix: this.prefix,
      defaultJobOptions: jobOptions(options.retention),
    });
    this.queue.on('error', () => {});
    // Every waiting caller listens on the queue and its events: hundreds at once is normal.
    this.queue.setMaxListeners(0);
  }

  /**
   * Connects to Redis and returns a ready producer.
   * @throws SwitchboardError `queue_unavailable` when Redis does not answer in time
   */
  static async connect(options: ClassifyQueueOptions): Promise<ClassifyQueue> {
    const redis = await connectRedis(options.redisUrl, 'producer', options.connectTimeoutMs);
    return new ClassifyQueue(redis, options);
  }

  /**
   * Validates and enqueues a request with its id as job id: enqueuing the same id again while the
   * first job is kept does not classify it twice.
   * @throws InputError for an invalid request, SwitchboardError `queue_unavailable` when Redis is down
   */
  async enqueue(request: ClassifyRequest): Promise<string> {
    const valid = parseClassifyRequest(request);
    try {
      await this.queue.add(valid.model, valid, { jobId: valid.id });
    } catch (err) {
      throw this.mapError(err);
    }
    return valid.id;
  }

  /**
   * Waits for a job's result, at most `timeoutMs`. Rejects with `timeout` when time runs out (also
   * when the job was removed meanwhile), or with the job's own error when it failed.
   */
  async wait(id: string, timeoutMs: number): Promise<ClassifyResult> {
    const events = await this.queueEvents();
    const job = await this.fetch(id);
    if (!job) throw new SwitchboardError('not_found', `No job with id ${id}.`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SwitchboardError('timeout', `No result within ${timeoutMs} ms for job ${id}.`)),
        timeoutMs,
      );
    });
    try {
      // The wait lets go of its listeners a little after our own timer has answered the caller.
      const value = await Promise.race([waitForJob(this.queue, events, id, timeoutMs + 1_000), timeout]);
      return ClassifyResultSchema.parse(value);
    } catch (err) {
      if (err instanceof SwitchboardError) throw err;
      if (isConnectionError(err)) throw unavailable(this.url, err);
      throw failureError((err as Error)?.message);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Enqueues and waits; see {@link ClassifyQueue.enqueue} and {@link ClassifyQueue.wait}. */
  async enqueueAndWait(request: ClassifyRequest, timeoutMs: number): Promise<ClassifyResult> {
    await this.queueEvents();
    const id = await this.enqueue(request);
    return this.wait(id, timeoutMs);
  }

  /** Looks a job up by id; `undefined` when no such job is kept. */
  async getJob(id: string): Promise<JobView | undefined> {
    let job = await this.fetch(id);
    if (!job) return undefined;
    let state: string;
    try {
      state = await job.getState();
    } catch (err) {
      throw this.mapError(err);
    }
    // The job hash was read before its state: a job that finished in between has no result in our
    // copy yet, so read it again (a finished job's hash no longer changes).
    if ((state === 'completed' || state === 'failed') && !job.finishedOn) {
      job = await this.fetch(id);
      if (!job) return undefined;
    }
    const known: JobState[] = ['waiting', 'active', 'delayed', 'completed', 'failed'];
    const view: JobView = {
      id,
      state: known.includes(state as JobState)
        ? (state as JobState)
        : state === 'prioritized'
          ? 'waiting'
          : 'unknown',
      request: job.data as ClassifyRequest,
      attemptsMade: job.attemptsMade,
      ...(state === 'completed' ? { result: ClassifyResultSchema.parse(job.returnvalue) } : {}),
      ...(state === 'failed' ? { error: decodeFailure(job.failedReason) } : {}),
    };
    return view;
  }

  /** Job counts by state. */
  async counts(): Promise<QueueCounts> {
    try {
      const c = await this.queue.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'failed',
        'completed',
        'prioritized',
      );
      return {
        waiting: c.waiting ?? 0,
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
        completed: c.completed ?? 0,
        prioritized: c.prioritized ?? 0,
      };
    } catch (err) {
      throw this.mapError(err);
    }
  }

  /** Jobs not yet finished: what a depth limit compares against. */
  async depth(): Promise<number> {
    const c = await this.counts();
    return c.waiting + c.active + c.delayed + c.prioritized;
  }

  /** True while the Redis connection is up. */
  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  /** Closes the queue and its connections. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const events = await this.events?.catch(() => undefined);
      await events?.close().catch(() => {});
      await this.queue.close().catch(() => {});
      this.redis.disconnect();
    })();
    return this.closing;
  }

  private async fetch(id: string): Promise<Job | undefined> {
    try {
      return (await this.queue.getJob(id)) ?? undefined;
    } catch (err) {
      throw this.mapError(err);
    }
  }

  private async queueEvents(): Promise<QueueEvents> {
    if (!this.connected) throw unavailable(this.url, new Error('not connected'));
    if (!this.events) {
      const opening = this.openEvents();
      this.events = opening;
      // A failed start is not kept: the next caller tries again.
      opening.catch(() => {
        if (this.events === opening) this.events = undefined;
      });
    }
    // Every caller waits for the same start, so none enqueues before the events are followed.
    return this.events;
  }

  private async openEvents(): Promise<QueueEvents> {
    // QueueEvents reads from '$' as of its first XREAD, which may be sent after waitUntilReady()
    // and after a job enqueued meanwhile has finished: that completion would be missed and its
    // waiter would time out although the job succeeded. Reading on from the stream's current
    // last entry leaves no such gap.
    let lastEventId: string;
    try {
      const [last] = await this.redis.xrevrange(this.queue.keys.events!, '+', '-', 'COUNT', 1);
      lastEventId = last?.[0] ?? '0-0';
    } catch (err) {
      throw this.mapError(err);
    }
    // QueueEvents blocks on XREAD, so it gets its own connection that waits through outages.
    const events = new QueueEvents(CLASSIFY_QUEUE, {
      connection: { ...redisOptions('consumer'), ...connectionFromUrl(this.url) },
      prefix: this.prefix,
      lastEventId,
    });
    events.on('error', () => {});
    events.setMaxListeners(0);
    try {
      await events.waitUntilReady();
    } catch (err) {
      await events.close().catch(() => {});
      throw this.mapError(err);
    }
    return events;
  }

  private mapError(err: unknown): Error {
    if (err instanceof SwitchboardError) return err;
    if (isConnectionError(err)) return unavailable(this.url, err);
    return err as Error;
  }
}

/** ioredis connection fields from a redis:// URL (BullMQ takes options, not URLs, for duplicates). */
export function connectionFromUrl(url: string): {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: object;
} {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
