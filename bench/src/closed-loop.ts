import { performance } from 'node:perf_hooks';

/** Sends one text and resolves when its answer is in; `n` numbers the requests of a run. */
export type Send = (text: string, n: number) => Promise<void>;

/** What a load run measured. */
export interface LoadFigures {
  /** Requests answered inside the measured window. */
  readonly completed: number;
  /** Requests that failed (any error), in the window. */
  readonly errors: number;
  /** Length of the measured window, seconds. */
  readonly seconds: number;
  /** Answers per second in the window. */
  readonly perSecond: number;
  /** Latency of each answered request, ms. */
  readonly latenciesMs: number[];
  /** First error message seen, to say why requests failed. */
  readonly firstError?: string;
}

/** A closed-loop run: `callers` each send, await the answer, and send again. */
export interface ClosedLoopSpec {
  readonly send: Send;
  readonly texts: readonly string[];
  readonly callers: number;
  /** Uncounted time first (connections, JIT, batch sizes settling). */
  readonly warmSeconds: number;
  readonly seconds: number;
  /** First request number, so ids of successive runs never repeat. */
  readonly firstId: number;
  /** Called about ten times a second with the answers counted so far. */
  readonly onProgress?: (completed: number, elapsedSeconds: number) => void;
  /** Called when the measured window starts and when it ends (e.g. to read CPU counters). */
  readonly onWindow?: (edge: 'start' | 'end') => void;
}

/**
 * Saturation: keeps `callers` requests in flight for `warmSeconds + seconds` and counts the answers
 * that arrive in the last `seconds`. Requests still in flight at the end are awaited, not counted.
 */
export async function closedLoop(spec: ClosedLoopSpec): Promise<LoadFigures & { nextId: number }> {
  const start = performance.now();
  const from = start + spec.warmSeconds * 1000;
  const until = from + spec.seconds * 1000;
  let next = spec.firstId;
  let completed = 0;
  let errors = 0;
  let firstError: string | undefined;
  const latenciesMs: number[] = [];
  let lastReport = 0;
  const fired = { start: false, end: false };
  const edge = (which: 'start' | 'end') => {
    if (fired[which]) return;
    fired[which] = true;
    spec.onWindow?.(which);
  };
  const windowStart = setTimeout(() => edge('start'), from - performance.now());
  const windowEnd = setTimeout(() => edge('end'), until - performance.now());
  const caller = async () => {
    while (performance.now() < until) {
      const n = next++;
      const t0 = performance.now();
      let failed = false;
      try {
        await spec.send(spec.texts[n % spec.texts.length]!, n);
      } catch (err) {
        failed = true;
        firstError ??= (err as Error).message;
      }
      const t1 = performance.now();
      if (t1 >= from && t1 <= until) {
        if (failed) errors++;
        else {
          completed++;
          latenciesMs.push(t1 - t0);
        }
      }
      if (t1 - lastReport > 100) {
        lastReport = t1;
        spec.onProgress?.(completed, (t1 - start) / 1000);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: spec.callers }, caller));
  } finally {
    clearTimeout(windowStart);
    clearTimeout(windowEnd);
  }
  edge('start');
  edge('end');
  return {
    completed,
    errors,
    seconds: spec.seconds,
    perSecond: completed / spec.seconds,
    latenciesMs,
    ...(firstError === undefined ? {} : { firstError }),
    nextId: next,
  };
}
