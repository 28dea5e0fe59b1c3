/** What the governor adjusts: BullMQ's Worker takes a new `concurrency` at any time. */
export interface ConcurrencyTarget {
  concurrency: number;
}

/** Options of {@link ConcurrencyGovernor}. */
export interface ConcurrencyGovernorOptions {
  /** Jobs held while the queue keeps running dry (moderate load): low, for latency. */
  readonly base: number;
  /** Most jobs held when the queue never runs dry (saturation): high, so batches form. */
  readonly max: number;
  /** How long the queue must stay non-empty before the held jobs double, in ms. */
  readonly growAfterMs: number;
}

/**
 * Holds few jobs while the queue keeps running dry and more while it does not. For a model whose
 * runs do not batch well, few held jobs keep the others in Redis for whichever process frees up
 * first (low latency at moderate load); under saturation that costs throughput, because every job
 * then pays its own Redis round trips and wake-ups. So: a fetch that finds the queue empty
 * (BullMQ's `drained`) means spare capacity and resets to `base`; `growAfterMs` without one means
 * a backlog, and the held jobs double, up to `max`, so batches form from it.
 */
export class ConcurrencyGovernor {
  private readonly target: ConcurrencyTarget;
  private readonly options: ConcurrencyGovernorOptions;
  private lastDrained: number;

  constructor(target: ConcurrencyTarget, options: ConcurrencyGovernorOptions, now = Date.now()) {
    this.target = target;
    this.options = options;
    this.lastDrained = now;
    target.concurrency = options.base;
  }

  /** The queue had no job for a fetch. */
  drained(now = Date.now()): void {
    this.lastDrained = now;
    this.target.concurrency = this.options.base;
  }

  /** Called every so often: grows the held jobs when the queue has not run dry for a while. */
  tick(now = Date.now()): void {
    if (now - this.lastDrained < this.options.growAfterMs) return;
    this.target.concurrency = Math.min(this.options.max, this.target.concurrency * 2);
    this.lastDrained = now;
  }
}
