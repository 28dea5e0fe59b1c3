import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** The verdict on one request. */
export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryInSeconds: number };

/**
 * Classifications per person per minute, counted in Redis so that every copy of the plugin shares
 * the count. When Redis cannot be asked, requests are let through: the enqueue that follows fails
 * on its own and tells the person the service is unavailable, which is the truth.
 */
export class UserRateLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, options: { prefix: string; perMinute: number }) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${options.prefix}:slack:rate`,
      points: options.perMinute,
      duration: 60,
      rejectIfRedisNotReady: true,
    });
  }

  /** Counts one request by `user` (a team-qualified Slack user id). */
  async consume(user: string): Promise<RateDecision> {
    try {
      await this.limiter.consume(user);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        return { allowed: false, retryInSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1_000)) };
      }
      return { allowed: true };
    }
  }
}
