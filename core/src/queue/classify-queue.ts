import { type Job, Queue, QueueEvents } from 'bullmq';
import type { ClassifyRequest } from '../contracts/classify-request.js';
import { type ClassifyResult, ClassifyResultSchema } from '../contracts/classify-result.js';
import { parseClassifyRequest } from '../contracts/validate.js';
import { SwitchboardError } from '../errors.js';
import { AddPipeline } from './add-pipeline.js';
import { decodeFailure, failureError } from './failure-reason.js';
import { type JobRetentionOptions, jobOptions } from './job-options.js';
import { CLASSIFY_QUEUE, DEFAULT_QUEUE_PREFIX } from './queue-names.js';
import { queuePrefix } from './redis-cluster.js';
import {
  bullConnection,
  connectRedis,
  isConnectionError,
  type RedisClient,
  unavailable,
} from './redis-connection.js';
import { type JobOutcome, ResultWaiters } from './result-waiters.js';

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

/** A job that has finished, as reports read it. */
export interface FinishedJob {
  readonly state: 'completed' | 'failed';
  readonly request: ClassifyRequest;
  readonly result?: ClassifyResult;
  readonly error?: { code: string; message: string };
  /** When the job finished (ms since the epoch). */
  readonly finishedOn: number;
}

// Finished jobs are read this many at a time, so a long history never arrives in one reply.
const FINISHED_PAGE = 500;

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
  private readonly redis: RedisClient;
  private readonly url: string;
  private readonly prefix: string;
  private readonly adds: AddPipeline;
  private events: Promise<{ events: QueueEvents; waiters: ResultWaiters }> | undefined;
  private closing: Promise<void> | undefined;

  private constructor(redis: RedisClient, options: ClassifyQueueOptions) {
    this.redis = redis;
    this.url = options.redisUrl;
    this.prefix = queuePrefix(options.prefix ?? DEFAULT_QUEUE_PREFIX, options.redisUrl);
    this.queue = new Queue(CLASSIFY_QUEUE, {
      connection: redis,
      prefix: this.prefix,
      defaultJobOptions: jobOptions(options.retention),
    });
    this.queue.on('error', () => {});
    // Every waiting caller listens on the queue and its events: hundreds at once is normal.
    this.queue.setMaxListeners(0);
    this.adds = new AddPipeline(this.queue);
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
    await this.add(valid);
    return valid.id;
  }

  /**
   * Waits for a job's result, at most `timeoutMs`. Rejects with `timeout` when time runs out (also
   * when the job was removed meanwhile), or with the job's own error when it failed.
   * @throws SwitchboardError `not_found` when no such job is kept
   */
  async wait(id: string, timeoutMs: number): Promise<ClassifyResult> {
    const { waiters } = await this.queueEvents();
    const waiting = this.waitFor(waiters, id, timeoutMs);
    try {
      // The job may have finished before we listened: its kept hash says so.
      if (!(await this.settleIfFinished(id, waiting.settle))) {
        throw new SwitchboardError('not_found', `No job with id ${id}.`);
      }
    } catch (err) {
      waiting.cancel();
      throw err;
    }
    return waiting.result;
  }

  /**
   * Enqueues and waits; see {@link ClassifyQueue.enqueue} and {@link ClassifyQueue.wait}. Cheaper
   * than the two: the waiter is registered before the job exists, so no look-up is needed unless
   * the id repeats a kept job (then that job's result, once it has one).
   */
  async enqueueAndWait(request: ClassifyRequest, timeoutMs: number): Promise<ClassifyResult> {
    const { waiters } = await this.queueEvents();
    const valid = parseClassifyRequest(request);
    const waiting = this.waitFor(waiters, valid.id, timeoutMs, (settle) => {
      this.settleIfFinished(valid.id, settle).catch(() => {});
    });
    try {
      await this.add(valid);
    } catch (err) {
      waiting.cancel();
      throw err;
    }
    return waiting.result;
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

  /**
   * The finished jobs still kept (BullMQ trims them by age and count, see {@link JobRetentionOptions})
   * that finished at or after `since`, newest first within each state.
   */
  async finishedJobs(since = 0): Promise<FinishedJob[]> {
    const out: FinishedJob[] = [];
    for (const state of ['completed', 'failed'] as const) {
      for (let start = 0; ; start += FINISHED_PAGE) {
        let page: Job[];
        try {
          page = await this.queue.getJobs([state], start, start + FINISHED_PAGE - 1, false);
        } catch (err) {
          throw this.mapError(err);
        }
        let older = false;
        for (const job of page) {
          if (!job?.finishedOn) continue;
          if (job.finishedOn < since) {
            older = true;
            break;
          }
          const parsed = state === 'completed' ? ClassifyResultSchema.safeParse(job.returnvalue) : undefined;
          out.push({
            state,
            request: job.data as ClassifyRequest,
            finishedOn: job.finishedOn,
            ...(parsed?.success ? { result: parsed.data } : {}),
            ...(state === 'failed' ? { error: decodeFailure(job.failedReason) } : {}),
          });
        }
        if (older || page.length < FINISHED_PAGE) break;
      }
    }
    return out;
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
      const opened = await this.events?.catch(() => undefined);
      await opened?.events.close().catch(() => {});
      await this.queue.close().catch(() => {});
      this.redis.disconnect();
    })();
    return this.closing;
  }

  /** Adds a validated request with the next pipeline, its id as job id. */
  private async add(valid: ClassifyRequest): Promise<void> {
    try {
      await this.adds.add(valid.model, valid, { jobId: valid.id });
    } catch (err) {
      throw this.mapError(err);
    }
  }

  private async fetch(id: string): Promise<Job | undefined> {
    try {
      return (await this.queue.getJob(id)) ?? undefined;
    } catch (err) {
      throw this.mapError(err);
    }
  }

  /**
   * A waiter for `id` bounded by `timeoutMs`; its result rejects with `timeout` when time runs out
   * and with the job's own error when it failed. `settle` ends it early with an outcome found
   * otherwise; `onDuplicate` runs when an add of `id` found the job already kept.
   */
  private waitFor(
    waiters: ResultWaiters,
    id: string,
    timeoutMs: number,
    onDuplicate?: (settle: (outcome: JobOutcome) => void) => void,
  ): { result: Promise<ClassifyResult>; settle: (outcome: JobOutcome) => void; cancel: () => void } {
    let settle: (outcome: JobOutcome) => void = () => {};
    let cancel = () => {};
    const result = new Promise<JobOutcome>((resolve, reject) => {
      // Our own timer bounds the wait even when the events connection is down meanwhile.
      const timer = setTimeout(() => {
        registration.cancel();
        reject(new SwitchboardError('timeout', `No result within ${timeoutMs} ms for job ${id}.`));
      }, timeoutMs);
      cancel = () => {
        clearTimeout(timer);
        registration.cancel();
      };
      settle = (outcome) => {
        cancel();
        resolve(outcome);
      };
      const registration = waiters.register(
        id,
        (outcome) => settle(outcome),
        onDuplicate && (() => onDuplicate(settle)),
      );
    }).then(settled);
    // A caller that cancels never reads the result: keep its rejection from being unhandled.
    result.catch(() => {});
    return { result, settle: (outcome) => settle(outcome), cancel: () => cancel() };
  }

  /** Settles with the kept job's outcome if it has finished. False when no such job is kept. */
  private async settleIfFinished(id: string, settle: (outcome: JobOutcome) => void): Promise<boolean> {
    const job = await this.fetch(id);
    if (!job) return false;
    if (job.finishedOn) {
      settle(
        job.returnvalue == null
          ? { ok: false, failedReason: job.failedReason }
          : { ok: true, value: job.returnvalue },
      );
    }
    return true;
  }

  private async queueEvents(): Promise<{ events: QueueEvents; waiters: ResultWaiters }> {
    if (!this.connected) throw unavailable(this.url, new Error('not connected'));
    if (!this.events) {
      const opening = this.openEvents().then((events) => ({ events, waiters: new ResultWaiters(events) }));
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
    const { connection, release } = bullConnection(this.url, 'consumer');
    const events = new QueueEvents(CLASSIFY_QUEUE, { connection, prefix: this.prefix, lastEventId });
    events.on('error', () => {});
    // A cluster client is ours to close, after the QueueEvents that uses it.
    const close = events.close.bind(events);
    events.close = () => close().finally(release);
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

/** The result of a finished job, or its failure as the error a waiter gets. */
function settled(outcome: JobOutcome): ClassifyResult {
  if (!outcome.ok) throw failureError(outcome.failedReason);
  return ClassifyResultSchema.parse(outcome.value);
}
