import { Redis, type RedisOptions } from 'ioredis';
import { SwitchboardError } from '../errors.js';

/** Where Redis is when nothing is configured. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * `producer`: fails fast while Redis is down (a chat platform's 3-second deadline must be met with
 * an error rather than a hang) but keeps reconnecting in the background.
 * `consumer`: blocking commands, retries for ever (BullMQ workers require `maxRetriesPerRequest: null`).
 */
export type RedisRole = 'producer' | 'consumer';

/** Reconnect delay: quick at first, then every 2 s, for ever. */
function retryStrategy(times: number): number {
  return Math.min(50 * 2 ** Math.min(times, 6), 2_000);
}

/** ioredis options for a role; BullMQ duplicates connections from these. */
export function redisOptions(role: RedisRole): RedisOptions {
  return role === 'producer'
    ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, retryStrategy }
    : { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy };
}

/** The URL with any password replaced, safe to print and log. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable REDIS_URL>';
  }
}

/**
 * Opens a connection and waits until Redis answers, at most `timeoutMs`.
 * @throws SwitchboardError `queue_unavailable` saying where Redis was looked for
 */
export async function connectRedis(url: string, role: RedisRole, timeoutMs = 3_000): Promise<Redis> {
  const redis = new Redis(url, { ...redisOptions(role), lazyConnect: true });
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash.
  redis.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return redis;
  } catch (err) {
    redis.disconnect();
    throw unavailable(url, err);
  } finally {
    clearTimeout(timer);
  }
}

/** The error every producer raises when Redis cannot be reached. */
export function unavailable(url: string, cause: unknown): SwitchboardError {
  const reason = (cause as Error)?.message ?? String(cause);
  return new SwitchboardError(
    'queue_unavailable',
    `The job queue is temporarily unavailable (Redis at ${redactRedisUrl(url)}: ${reason}).`,
    { cause },
  );
}

/** True for the errors ioredis raises when the connection is down rather than for a bad command. */
export function isConnectionError(err: unknown): boolean {
  const msg = String((err as Error)?.message ?? '');
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  return (
    /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|MaxRetriesPerRequest|enableOfflineQueue/i.test(
      msg,
    ) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code)
  );
}
