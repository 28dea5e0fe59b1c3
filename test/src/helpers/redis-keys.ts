import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis every session and CI run provides; shared, so tests keep to their own key prefix. */
export const SHARED_REDIS_URL = process.env.SWITCHBOARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A queue prefix no other test (or test run) uses, e.g. `t-deliveries-3f9a1c2b`. */
export function uniquePrefix(tag = 'q'): string {
  return `t-${tag}-${randomBytes(4).toString('hex')}`;
}

/**
 * Deletes every key under `<prefix>:`. Scans rather than flushing: the shared Redis holds other
 * agents' and runs' keys.
 */
export async function deletePrefixKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
