import { performance } from 'node:perf_hooks';
import type { LoadFigures, Send } from './closed-loop.js';
import { seededRandom } from './sentence-generator.js';

/** An open-loop run: requests arrive at random (Poisson) times whatever the answers do. */
export interface OpenLoopSpec {
  readonly send: Send;
  readonly texts: readonly string[];
  /** Mean arrivals per second. */
  readonly rate: number;
  /** Uncounted arrivals first. */
  readonly warmSeconds: number;
  /** Arrivals counted. */
  readonly seconds: number;
  readonly firstId: number;
  readonly seed: number;
  /** Longest the run waits for the last answers after the last arrival. */
  readonly drainSeconds: number;
  readonly onProgress?: (sent: number, completed: number, elapsedSeconds: number) => void;
}

/** Open-loop figures: also what was sent and what was still unanswered at the end. */
export interface OpenLoopFigures extends LoadFigures {
  /** Requests sent in the counted part. */
  readonly sent: number;
  /** Counted requests with no answer when the drain time ran out. */
  readonly unanswered: number;
  /** Arrivals per second actually offered in the counted part. */
  readonly offeredPerSecond: number;
}

/**
 * Sends requests at exponential intervals (a Poisson process of `rate`), as independent users do,
 * without waiting for answers. Latency runs from each request's scheduled time, so a client that
 * falls behind its schedule shows as latency instead of hiding it (no coordinated omission).
 */
export async function openLoop(spec: OpenLoopSpec): Promise<OpenLoopFigures & { nextId: number }> {
  const random = seededRandom(spec.seed);
  const arrivals: number[] = [];
  const total = spec.warmSeconds + spec.seconds;
  for (let t = -Math.log(1 - random()) / spec.rate; t < total; t += -Math.log(1 - random()) / spec.rate) {
    arrivals.push(t * 1000);
  }
  const warmMs = spec.warmSeconds * 1000;
  const latenciesMs: number[] = [];
  let errors = 0;
  let sent = 0;
  let answered = 0;
  let firstError: string | undefined;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  let lastReport = 0;
  let i = 0;
  while (i < arrivals.length) {
    const now = performance.now() - start;
    while (i < arrivals.length && arrivals[i]! <= now) {
      const scheduled = arrivals[i]!;
      const counted = scheduled >= warmMs;
      const n = spec.firstId + i;
      if (counted) sent++;
      const request = spec.send(spec.texts[n % spec.texts.length]!, n).then(
        () => {
          if (!counted) return;
          answered++;
          latenciesMs.push(performance.now() - start - scheduled);
        },
        (err: Error) => {
          if (!counted) return;
          answered++;
          errors++;
          firstError ??= err.message;
        },
      );
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
      i++;
    }
    if (now - lastReport > 100) {
      lastReport = now;
      spec.onProgress?.(sent, answered, now / 1000);
    }
    if (i < arrivals.length) {
      const wait = arrivals[i]! - (performance.now() - start);
      // setTimeout sleeps at least ~1 ms; closer arrivals go out on the next turn of the loop.
      await new Promise((resolve) => (wait >= 1 ? setTimeout(resolve, wait) : setImmediate(resolve)));
    }
  }
  const drained = Promise.all(inFlight);
  await Promise.race([
    drained,
    new Promise((resolve) => setTimeout(resolve, spec.drainSeconds * 1000).unref()),
  ]);
  return {
    completed: latenciesMs.length,
    errors,
    seconds: spec.seconds,
    perSecond: latenciesMs.length / spec.seconds,
    latenciesMs,
    ...(firstError === undefined ? {} : { firstError }),
    sent,
    unanswered: sent - answered,
    offeredPerSecond: sent / spec.seconds,
    nextId: spec.firstId + arrivals.length,
  };
}
