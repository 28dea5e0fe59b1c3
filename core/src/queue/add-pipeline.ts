import type { JobsOptions, Queue } from 'bullmq';

interface PendingAdd {
  readonly name: string;
  readonly data: unknown;
  readonly opts: JobsOptions;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Collects the jobs added during one event-loop turn and sends them to Redis as one pipeline
 * (`addBulk`): under load a producer answering many requests at once pays one round trip and one
 * socket write per turn instead of one per job. A job added alone goes out with the next turn, a
 * few microseconds later, so nothing waits for company.
 */
export class AddPipeline {
  private pending: PendingAdd[] = [];
  private scheduled = false;

  constructor(private readonly queue: Queue) {}

  /** Adds a job with the next pipeline; resolves once Redis has it. */
  add(name: string, data: unknown, opts: JobsOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ name, data, opts, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate runs after the I/O callbacks of this turn: every request parsed in it joins.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    if (batch.length === 1) {
      const [one] = batch as [PendingAdd];
      await this.queue.add(one.name, one.data, one.opts).then(one.resolve, one.reject);
      return;
    }
    try {
      await this.queue.addBulk(batch.map(({ name, data, opts }) => ({ name, data, opts })));
      for (const p of batch) p.resolve();
    } catch {
      // addBulk fails as a whole on the first error; adding one by one gives each job its own
      // outcome (a connection error fails them all anyway, fast, as the producer is fail-fast).
      // Jobs of the pipeline that did reach Redis are not added twice: every job has its own id.
      await Promise.all(batch.map((p) => this.queue.add(p.name, p.data, p.opts).then(p.resolve, p.reject)));
    }
  }
}
