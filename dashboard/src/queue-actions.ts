import type { Queue } from 'bullmq';

/** An action that cannot be done as asked, with the HTTP status that says why. */
export class ActionError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'ActionError';
  }
}

/** What an action did, for the page to say. */
export interface ActionOutcome {
  readonly queue: string;
  readonly action: 'retry-job' | 'retry-failed' | 'clean-completed' | 'pause' | 'resume';
  /** Jobs affected, where that is known. */
  readonly jobs?: number;
  readonly jobId?: string;
}

/**
 * Sends one failed job back to the waiting list.
 * @throws ActionError 404 when the job is gone, 409 when it is not failed
 */
export async function retryJob(queue: Queue, id: string): Promise<ActionOutcome> {
  const job = await queue.getJob(id);
  if (!job) throw new ActionError(404, `No job ${id} in queue ${queue.name}; it may have been removed.`);
  const state = await job.getState();
  if (state !== 'failed') {
    throw new ActionError(409, `Job ${id} is ${state}, not failed; only failed jobs can be retried.`);
  }
  await job.retry('failed');
  return { queue: queue.name, action: 'retry-job', jobId: id, jobs: 1 };
}

/** Sends every failed job of a queue back to the waiting list. */
export async function retryAllFailed(queue: Queue): Promise<ActionOutcome> {
  const failed = await queue.getFailedCount();
  await queue.retryJobs({ state: 'failed', count: 1_000 });
  return { queue: queue.name, action: 'retry-failed', jobs: failed };
}

/** Deletes every completed job of a queue (their results can no longer be fetched by id). */
export async function cleanCompleted(queue: Queue): Promise<ActionOutcome> {
  const removed = await queue.clean(0, 0, 'completed');
  return { queue: queue.name, action: 'clean-completed', jobs: removed.length };
}

/** Stops workers from taking new jobs of the queue; jobs in flight finish. */
export async function pauseQueue(queue: Queue): Promise<ActionOutcome> {
  await queue.pause();
  return { queue: queue.name, action: 'pause' };
}

/** Lets workers take jobs of the queue again. */
export async function resumeQueue(queue: Queue): Promise<ActionOutcome> {
  await queue.resume();
  return { queue: queue.name, action: 'resume' };
}
