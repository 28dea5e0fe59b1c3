/**
 * The queue depth as admission control reads it: one Redis query serves every request arriving
 * within `maxAgeMs` (and all requests waiting on a query in flight), and this process's own
 * enqueues are counted in at once. Under load that removes a round trip per request; the reading
 * is at most `maxAgeMs` behind other processes' enqueues and finished jobs, and errs high (jobs
 * finishing only lower the depth), so the limit is never exceeded by more than other copies of the
 * API add in that time.
 */
export class DepthReading {
  private value: number | undefined;
  private readAt = 0;
  private pending: Promise<number> | undefined;

  constructor(
    private readonly read: () => Promise<number>,
    private readonly maxAgeMs = 100,
  ) {}

  /** The current reading; queries Redis when it is older than `maxAgeMs`. */
  get(): Promise<number> {
    if (this.value !== undefined && Date.now() - this.readAt < this.maxAgeMs)
      return Promise.resolve(this.value);
    this.pending ??= this.read().then(
      (depth) => {
        this.value = depth;
        this.readAt = Date.now();
        this.pending = undefined;
        return depth;
      },
      (err: unknown) => {
        this.pending = undefined;
        throw err;
      },
    );
    return this.pending;
  }

  /** Counts a job this process just enqueued. */
  added(): void {
    if (this.value !== undefined) this.value++;
  }
}
