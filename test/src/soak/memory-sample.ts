import { readFile } from 'node:fs/promises';
import type { Redis } from 'ioredis';

/** Resident set size of a process in bytes (`VmRSS` of `/proc/<pid>/status`); NaN once it is gone. */
export async function residentBytes(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) * 1_024;
  } catch {
    return Number.NaN;
  }
}

/** `used_memory` of a Redis server in bytes, from `INFO memory`. */
export async function redisUsedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
}

/** Mean of the finite values; NaN when there are none. */
export function mean(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
}

/** The first and the last quarter of `values` (in order), for "did it keep growing" checks. */
export function quarters<T>(values: readonly T[]): { first: T[]; last: T[] } {
  const n = Math.max(1, Math.floor(values.length / 4));
  return { first: values.slice(0, n), last: values.slice(-n) };
}
