import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** The verdict on one request. */
export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryInSeconds: number };

/** Options of {@link PersonRateLimiter}. */
export interface PersonRateLimiterOptions {
  /** Queue prefix: the counts live under `<prefix>:<channel>:rate`. */
  readonly prefix: string;
  /** The channel whose people are counted. */
  readonly channel: string;
  /** Requests one person may make per minute. */
  readonly perMinute: number;
}

/**
 * Requests per person per minute, counted in Redis so that every copy of a channel's service
 * shares the count. When Redis cannot be asked, requests are let through: the enqueue that follows
 * fails on its own and tells the person the service is unavailable, which is the truth.
 */
export class PersonRateLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, options: PersonRateLimiterOptions) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${options.prefix}:${options.channel}:rate`,
      points: options.perMinute,
      duration: 60,
      rejectIfRedisNotReady: true,
    });
  }

  /** Counts one request by `person` (an id unique within the channel). */
  async consume(person: string): Promise<RateDecision> {
    try {
      await this.limiter.consume(person);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        return { allowed: false, retryInSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1_000)) };
      }
      return { allowed: true };
    }
  }
}
