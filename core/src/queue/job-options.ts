import type { JobsOptions } from 'bullmq';

/** How jobs are retried and how long finished ones are kept. */
export interface JobRetentionOptions {
  /** Tries per job, the first included. Default 3. */
  attempts?: number;
  /** First retry delay in ms, doubled each time. Default 500. */
  backoffMs?: number;
  /** Seconds a completed job is kept (so waiters and repeated ids find it). Default 3600. */
  completedAgeSeconds?: number;
  /** Most completed jobs kept. Default 10,000. */
  completedCount?: number;
  /** Seconds a failed job is kept for inspection. Default 7 days. */
  failedAgeSeconds?: number;
  /** Most failed jobs kept. Default 10,000. */
  failedCount?: number;
}

/**
 * BullMQ options for classification and delivery jobs. Finished jobs are trimmed by age and count,
 * never removed at once: `removeOnComplete: true` would delete a job before a waiter reads it.
 */
export function jobOptions(o: JobRetentionOptions = {}): JobsOptions {
  return {
    attempts: o.attempts ?? 3,
    backoff: { type: 'exponential', delay: o.backoffMs ?? 500 },
    removeOnComplete: { age: o.completedAgeSeconds ?? 3_600, count: o.completedCount ?? 10_000 },
    removeOnFail: { age: o.failedAgeSeconds ?? 7 * 24 * 3_600, count: o.failedCount ?? 10_000 },
  };
}
