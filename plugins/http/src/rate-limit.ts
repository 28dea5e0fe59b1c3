import { type RedisClient, unavailable } from '@switchboard/core';
import type { MiddlewareHandler } from 'hono';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { AppEnv } from './app-env.js';
import { HttpError } from './http-error.js';
import { TurnConsumer, type Verdict } from './turn-consumer.js';

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** Shared Redis connection (a producer: it fails fast while Redis is down). */
  readonly redis: RedisClient;
  /** Its URL, for the message when Redis is down. */
  readonly redisUrl: string;
  /** Key prefix of the queues; the limiter's keys go under it. */
  readonly prefix: string;
  /** Requests per minute per caller. */
  readonly perMinute: number;
}

/**
 * A per-caller request budget kept in Redis, so that every copy of the API shares it. Over budget
 * the answer is 429 with `Retry-After` (seconds until a request is allowed again).
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const limiter = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: `${options.prefix}:http-rate`,
    points: options.perMinute,
    duration: 60,
    rejectIfRedisNotReady: true,
    // A caller over budget is refused from memory until its window ends: a client hammering the API
    // after its 429 costs no Redis round trip.
    inMemoryBlockOnConsumed: options.perMinute + 1,
    // While Redis does not answer, this process keeps the budget alone, so the limit still holds
    // (per copy of the API) and the answer comes from what cannot work without Redis: the queue.
    insuranceLimiter: new RateLimiterMemory({ points: options.perMinute, duration: 60 }),
  });
  // Under load a caller's requests of one event-loop turn share one Redis call.
  const consumer = new TurnConsumer(limiter, options.perMinute);
  return async (c, next) => {
    const caller = c.get('caller');
    let verdict: Verdict;
    try {
      verdict = await consumer.consume(caller);
    } catch (err) {
      // Anything but a verdict means neither limiter answered: 503, not an unexplained 500.
      throw unavailable(options.redisUrl, err);
    }
    if (verdict.allowed) {
      c.header('RateLimit-Limit', String(options.perMinute));
      c.header('RateLimit-Remaining', String(verdict.remainingPoints));
    } else {
      const seconds = Math.max(1, Math.ceil(verdict.msBeforeNext / 1_000));
      throw new HttpError(
        429,
        'rate_limited',
        `Rate limit of ${options.perMinute} requests per minute reached for key "${caller}"; retry in ${seconds} s.`,
        {
          'Retry-After': String(seconds),
          'RateLimit-Limit': String(options.perMinute),
          'RateLimit-Remaining': '0',
        },
      );
    }
    return next();
  };
}
