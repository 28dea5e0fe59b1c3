import { performance } from 'node:perf_hooks';
import { type ClassifyQueue, newClassifyRequest } from '@switchboard/core';

/** What {@link driveJobs} measured. */
export interface LoadRun {
  /** Jobs that completed. */
  readonly jobs: number;
  /** Wall time from the first enqueue to the last result. */
  readonly seconds: number;
  /** Enqueue-to-result time of each job. */
  readonly durationsMs: number[];
}

/** What to send and how. */
export interface LoadSpec {
  readonly queue: ClassifyQueue;
  readonly model: string;
  readonly texts: readonly string[];
  /** Jobs to run; ids are `<tag>-<n>`, so every phase of a case needs its own tag. */
  readonly jobs: number;
  /** Callers that each keep one job in flight (a closed loop, like chat users awaiting answers). */
  readonly inFlight: number;
  readonly tag: string;
  /** Called after each job with the count done so far. */
  readonly onJob?: (done: number) => void;
}

/**
 * Runs `jobs` one-text classification jobs through the queue with `inFlight` concurrent callers,
 * each enqueuing a job and waiting for its result before sending the next.
 */
export async function driveJobs(spec: LoadSpec): Promise<LoadRun> {
  const durationsMs: number[] = [];
  let next = 0;
  const caller = async () => {
    while (next < spec.jobs) {
      const n = next++;
      const request = newClassifyRequest({
        id: `${spec.tag}-${n}`,
        model: spec.model,
        texts: [spec.texts[n % spec.texts.length]!],
        channel: 'bench',
        requester: { id: 'bench' },
      });
      const t0 = performance.now();
      await spec.queue.enqueueAndWait(request, 60_000);
      durationsMs.push(performance.now() - t0);
      spec.onJob?.(durationsMs.length);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(spec.inFlight, spec.jobs) }, caller));
  return { jobs: durationsMs.length, seconds: (performance.now() - start) / 1_000, durationsMs };
}
