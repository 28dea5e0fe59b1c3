import type { WorkerAnnouncement, WorkerRegistryView } from '@switchboard/core';
import type { Redis } from 'ioredis';
import { escapeGlob } from './queue-discovery.js';

/** The model registry as one worker process sees it. */
export type WorkerRegistry = WorkerRegistryView;

/** A worker process as its heartbeat key describes it. */
export interface WorkerEntry extends Omit<WorkerAnnouncement, 'registry'> {
  /** When its heartbeat key was last written (ms since the epoch). `metricsHost` is '' from workers
   * older than that field: use `host`. */
  readonly lastHeartbeat: number;
  /** Models, versions loaded, last reload and load errors (workers that predate it send none). */
  readonly registry?: WorkerRegistry | undefined;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s) => typeof s === 'string') : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

// A heartbeat is read leniently: one odd field must not hide the worker.
function parseRegistry(value: unknown): WorkerRegistry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const models = Array.isArray(r.models) ? r.models : [];
  const errors = Array.isArray(r.errors) ? r.errors : [];
  return {
    models: models
      .filter(
        (m): m is Record<string, unknown> =>
          typeof m === 'object' && m !== null && typeof m.name === 'string',
      )
      .map((m) => ({
        name: m.name as string,
        default: typeof m.default === 'string' ? m.default : undefined,
        loaded: strings(m.loaded),
        versions: strings(m.versions),
      })),
    lastReload: Number(r.lastReload) || 0,
    errors: errors
      .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
      .map((e) => ({ ref: text(e.ref), file: text(e.file), error: text(e.error), at: Number(e.at) || 0 })),
  };
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
      registry: parseRegistry(v.registry),
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
