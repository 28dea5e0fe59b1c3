/**
 * The queue depth as admission control reads it: one Redis query serves every request arriving
 * within `maxAgeMs` (and all requests waiting on a query in flight), and this process's own
 * admissions are counted in at once. Under load that removes a round trip per request; the reading
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

  /**
   * Admits one job if the reading (fresh enough, plus this process's admissions since) is under
   * `limit`, counting it at once: requests that waited for the same Redis query are admitted one
   * by one against the count, not all against the same stale number. Resolves to the depth seen
   * when refused, `undefined` when admitted.
   */
  async admit(limit: number): Promise<number | undefined> {
    await this.get();
    // No await between the check and the count: concurrent admissions see each other.
    const depth = this.value ?? 0;
    if (depth >= limit) return depth;
    this.value = depth + 1;
    return undefined;
  }
}
