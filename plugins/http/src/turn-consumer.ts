import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';

/** A caller's verdict: allowed with points left, or refused until `msBeforeNext`. */
export type Verdict =
  | { readonly allowed: true; readonly remainingPoints: number }
  | { readonly allowed: false; readonly msBeforeNext: number };

interface Pending {
  readonly resolve: (v: Verdict) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Consumes rate-limit points for the requests of one event-loop turn together: each caller's
 * requests of the turn cost one `consume(key, n)`, one Redis script call instead of n. The verdict
 * is the one n separate calls would give: the limiter counts every point asked for, refused ones
 * included, so of n points that took the count `over` past the limit, the first n - over requests
 * are allowed and the rest refused.
 */
export class TurnConsumer {
  private pending = new Map<string, Pending[]>();
  private scheduled = false;

  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly points: number,
  ) {}

  /** One point for `key`, decided with the other requests of this turn. */
  consume(key: string): Promise<Verdict> {
    return new Promise((resolve, reject) => {
      let list = this.pending.get(key);
      if (!list) {
        list = [];
        this.pending.set(key, list);
      }
      list.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const turn = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    for (const [key, list] of turn) void this.decide(key, list);
  }

  private async decide(key: string, list: readonly Pending[]): Promise<void> {
    const n = list.length;
    try {
      const res = await this.limiter.consume(key, n);
      for (const [i, p] of list.entries()) {
        p.resolve({ allowed: true, remainingPoints: res.remainingPoints + (n - 1 - i) });
      }
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) {
        for (const p of list) p.reject(err);
        return;
      }
      const allowed = Math.max(0, n - Math.max(0, err.consumedPoints - this.points));
      for (const [i, p] of list.entries()) {
        p.resolve(
          i < allowed
            ? { allowed: true, remainingPoints: 0 }
            : { allowed: false, msBeforeNext: err.msBeforeNext },
        );
      }
    }
  }
}
