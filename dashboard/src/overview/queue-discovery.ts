import type { Redis } from 'ioredis';

/** Escapes Redis glob characters so a prefix is matched literally by SCAN. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * Names of the delivery queues (`deliver-<channel>`) that exist under a prefix. BullMQ writes a
 * `<prefix>:<queue>:meta` hash for every queue that has had a job, so that key marks a queue.
 * SCAN walks the keyspace in steps and never blocks Redis the way KEYS would.
 */
export async function findDeliveryQueues(redis: Redis, prefix: string): Promise<string[]> {
  const pattern = `${escapeGlob(prefix)}:deliver-*:meta`;
  const names = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 10_000);
    cursor = next;
    for (const key of keys) {
      const name = key.slice(prefix.length + 1, -':meta'.length);
      // A queue name never holds ':'; anything else is a job key that happens to end in ':meta'.
      if (/^deliver-[a-z0-9-]+$/.test(name)) names.add(name);
    }
  } while (cursor !== '0');
  return [...names].sort();
}
