import type { Redis } from 'ioredis';
import { escapeGlob } from './queue-discovery.js';

/** A worker process as its heartbeat key describes it. */
export interface WorkerEntry {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly models: readonly string[];
  readonly startedAt: number;
  readonly metricsPort: number;
  /** Where its `/metrics` can be reached ('' from workers older than this field: use `host`). */
  readonly metricsHost: string;
  readonly lastHeartbeat: number;
}

function parseEntry(text: string | null): WorkerEntry | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<WorkerEntry>;
    if (typeof v.id !== 'string') return undefined;
    return {
      id: v.id,
      host: typeof v.host === 'string' ? v.host : '',
      pid: Number(v.pid) || 0,
      models: Array.isArray(v.models) ? v.models.filter((m) => typeof m === 'string') : [],
      startedAt: Number(v.startedAt) || 0,
      metricsPort: Number(v.metricsPort) || 0,
      metricsHost: typeof v.metricsHost === 'string' ? v.metricsHost : '',
      lastHeartbeat: Number(v.lastHeartbeat) || 0,
    };
  } catch {
    return undefined;
  }
}

/**
 * The workers online: each worker process keeps `<prefix>:workers:<id>` alive with a short TTL,
 * so the keys present are the processes that beat in the last few seconds.
 */
export async function listWorkers(redis: Redis, prefix: string): Promise<WorkerEntry[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(
      cursor,
      'MATCH',
      `${escapeGlob(prefix)}:workers:*`,
      'COUNT',
      10_000,
    );
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys);
  return values
    .map(parseEntry)
    .filter((w): w is WorkerEntry => w !== undefined)
    .sort((a, b) => a.host.localeCompare(b.host) || a.id.localeCompare(b.id));
}
