import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';

/** Where {@link LoginThrottle} counts, and its limits. */
export interface LoginThrottleOptions {
  /** A producer connection (fails fast while Redis is down). */
  readonly redis: Redis;
  /** Key prefix (the queue prefix); counters live under `<prefix>:dashboard:login-failures:`. */
  readonly prefix: string;
  /** Failed attempts allowed per client address within the window. Default 10. */
  readonly maxFailures?: number;
  /** The window, in ms (whole seconds). Default 5 minutes. */
  readonly windowMs?: number;
}

/**
 * Slows password guessing: after too many failed logins from one client address, further
 * attempts are refused until the window (counted from the first failure) has passed. The counts
 * live in Redis through rate-limiter-flexible, so every dashboard replica sees the same ones and
 * a guesser gains nothing by landing on another replica.
 */
export class LoginThrottle {
  private readonly limiter: RateLimiterRedis;
  private readonly maxFailures: number;

  constructor(options: LoginThrottleOptions) {
    this.maxFailures = options.maxFailures ?? 10;
    this.limiter = new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: `${options.prefix}:dashboard:login-failures`,
      points: this.maxFailures,
      duration: Math.max(1, Math.round((options.windowMs ?? 5 * 60_000) / 1_000)),
      rejectIfRedisNotReady: true,
    });
  }

  /**
   * Milliseconds until this address may try again; 0 when it may try now.
   * @throws Error when Redis does not answer (the login is then refused with 503, not let through)
   */
  async retryAfterMs(address: string): Promise<number> {
    const res = await this.limiter.get(address);
    if (!res || res.consumedPoints < this.maxFailures) return 0;
    return Math.max(1, res.msBeforeNext);
  }

  /** Records a failed attempt. */
  async fail(address: string): Promise<void> {
    // penalty() counts without refusing: the refusal is retryAfterMs's job, before the password check.
    await this.limiter.penalty(address, 1);
  }

  /** Forgets an address's failures after it logged in. */
  async succeed(address: string): Promise<void> {
    await this.limiter.delete(address);
  }
}
