import type { QueueEvents } from 'bullmq';

/** How a job ended, as its finishing event tells it. */
export type JobOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly failedReason: string };

interface Waiter {
  readonly settle: (outcome: JobOutcome) => void;
  readonly duplicated: (() => void) | undefined;
}

/**
 * Everyone in this process waiting for a job's end, behind one `completed` and one `failed`
 * listener on one QueueEvents stream. BullMQ's `waitUntilFinished` adds two listeners per job on
 * the shared emitter and asks Redis for the job's state first; here a finishing event costs one
 * map look-up, and a job this process has just added needs no look-up at all (its events cannot
 * precede the stream position the QueueEvents reads from). When that add turns out to repeat a kept
 * job's id, BullMQ says so with a `duplicated` event, and only then is the job looked up.
 */
export class ResultWaiters {
  private readonly waiting = new Map<string, Set<Waiter>>();

  constructor(events: QueueEvents) {
    events.on('completed', ({ jobId, returnvalue }) => this.finish(jobId, { ok: true, value: returnvalue }));
    events.on('failed', ({ jobId, failedReason }) => this.finish(jobId, { ok: false, failedReason }));
    events.on('duplicated', ({ jobId }) => {
      for (const w of this.waiting.get(jobId) ?? []) w.duplicated?.();
    });
  }

  /** Jobs somebody waits for. */
  get size(): number {
    return this.waiting.size;
  }

  /**
   * Registers a waiter for `id`. `settle` is called once, with the job's outcome, unless `cancel`
   * is called first; `duplicated` whenever an add of that id found the job already there.
   */
  register(
    id: string,
    settle: (outcome: JobOutcome) => void,
    duplicated?: () => void,
  ): { cancel: () => void } {
    const waiter: Waiter = { settle, duplicated };
    let set = this.waiting.get(id);
    if (!set) {
      set = new Set();
      this.waiting.set(id, set);
    }
    set.add(waiter);
    return { cancel: () => this.remove(id, waiter) };
  }

  private remove(id: string, waiter: Waiter): void {
    const set = this.waiting.get(id);
    if (!set?.delete(waiter)) return;
    if (set.size === 0) this.waiting.delete(id);
  }

  private finish(id: string, outcome: JobOutcome): void {
    const set = this.waiting.get(id);
    if (!set) return;
    this.waiting.delete(id);
    for (const w of set) w.settle(outcome);
  }
}
