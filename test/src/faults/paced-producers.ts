import { type ClassifyQueue, type ClassifyRequest, SwitchboardError } from '@switchboard/core';

/** Options of {@link runPacedProducers}. */
export interface PacedProducerOptions {
  /** The producer connections; each runs its own loop over its share of the requests. */
  readonly queues: readonly ClassifyQueue[];
  /** Everything to enqueue, in order. */
  readonly requests: readonly ClassifyRequest[];
  /** Target rate over all producers, requests a second. */
  readonly perSecond: number;
  /** Requests one loop sends at once. Default 5. */
  readonly chunk?: number;
  /**
   * Retry a request refused with `queue_unavailable` (Redis down) until it is accepted, as a
   * client would. Safe: the request id is the job id, so a retry never makes a second job.
   */
  readonly retryUnavailable?: boolean;
}

/** What the producers did. */
export interface ProducerReport {
  /** Ids whose enqueue resolved: Redis acknowledged them. */
  readonly acknowledged: Set<string>;
  /** Enqueue calls refused with `queue_unavailable` (each retried when asked to). */
  unavailable: number;
  /** Resolves when every loop is done. */
  done: Promise<void>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Load for fault tests: several producer loops enqueue `requests` at about `perSecond`, so that
 * jobs are still flowing while a test kills a worker or restarts Redis. The sleep here is the load
 * generator's pacing, not a wait for the system under test.
 */
export function runPacedProducers(options: PacedProducerOptions): ProducerReport {
  const { queues, requests, perSecond, chunk = 5, retryUnavailable = false } = options;
  const report: ProducerReport = { acknowledged: new Set(), unavailable: 0, done: Promise.resolve() };
  const loops = queues.length;
  const intervalMs = (1_000 * chunk * loops) / perSecond;

  async function send(queue: ClassifyQueue, request: ClassifyRequest): Promise<void> {
    for (;;) {
      try {
        await queue.enqueue(request);
        report.acknowledged.add(request.id);
        return;
      } catch (err) {
        if (!(err instanceof SwitchboardError) || err.code !== 'queue_unavailable') throw err;
        report.unavailable++;
        if (!retryUnavailable) return;
        await pause(100);
      }
    }
  }

  async function loop(index: number): Promise<void> {
    const queue = queues[index]!;
    const mine = requests.filter((_, i) => i % loops === index);
    for (let i = 0; i < mine.length; i += chunk) {
      const started = Date.now();
      await Promise.all(mine.slice(i, i + chunk).map((r) => send(queue, r)));
      await pause(Math.max(0, intervalMs - (Date.now() - started)));
    }
  }

  report.done = Promise.all(queues.map((_, i) => loop(i))).then(() => {});
  return report;
}
