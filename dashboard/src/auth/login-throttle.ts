/** Limits of {@link LoginThrottle}. */
export interface LoginThrottleOptions {
  /** Failed attempts allowed per client address within the window. Default 10. */
  maxFailures?: number;
  /** The window, in ms. Default 5 minutes. */
  windowMs?: number;
}

/**
 * Slows password guessing: after too many failed logins from one address, further attempts are
 * refused until the window has passed. Kept in memory, like the sessions.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly maxFailures: number;
  private readonly windowMs: number;

  constructor(options: LoginThrottleOptions = {}) {
    this.maxFailures = options.maxFailures ?? 10;
    this.windowMs = options.windowMs ?? 5 * 60_000;
  }

  /** Milliseconds until this address may try again; 0 when it may try now. */
  retryAfterMs(address: string, now = Date.now()): number {
    const recent = this.recent(address, now);
    if (recent.length < this.maxFailures) return 0;
    return recent[0]! + this.windowMs - now;
  }

  /** Records a failed attempt. */
  fail(address: string, now = Date.now()): void {
    const recent = this.recent(address, now);
    recent.push(now);
    this.failures.set(address, recent);
  }

  /** Forgets an address's failures after it logged in. */
  succeed(address: string): void {
    this.failures.delete(address);
  }

  private recent(address: string, now: number): number[] {
    const list = (this.failures.get(address) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length === 0) this.failures.delete(address);
    return list;
  }
}
