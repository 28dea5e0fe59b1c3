import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Slack accepts at most this many posts to one `response_url`. */
export const RESPONSE_URL_MAX_USES = 5;

/** A `response_url` works for this long after the interaction. */
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;

// Stop using a URL a minute early: a post that starts at 29:59 may arrive after 30:00.
const SAFETY_MS = 60_000;

/**
 * Counts the posts made to each `response_url` in Redis (shared by every copy of the plugin), so
 * that a sixth post is never attempted and a URL past its lifetime is not tried at all.
 */
export class ResponseUrlLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /**
   * Claims one use of `url`, issued at `issuedAt` (ms since the epoch). Returns why the URL cannot
   * be used, or `undefined` when the claim succeeded.
   */
  async claim(url: string, issuedAt: number, now = Date.now()): Promise<string | undefined> {
    const age = now - issuedAt;
    if (age > RESPONSE_URL_LIFETIME_MS - SAFETY_MS) {
      return `response_url is ${Math.round(age / 60_000)} minutes old`;
    }
    const key = `${this.prefix}:slack:response-url:${createHash('sha256').update(url).digest('hex').slice(0, 32)}`;
    const [[, uses]] = (await this.redis.multi().incr(key).pexpire(key, RESPONSE_URL_LIFETIME_MS).exec()) as [
      [Error | null, number],
    ];
    return uses > RESPONSE_URL_MAX_USES
      ? `response_url used ${RESPONSE_URL_MAX_USES} times already`
      : undefined;
  }
}
