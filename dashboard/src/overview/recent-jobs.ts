import { decodeFailure } from '@switchboard/core';
import type { Redis } from 'ioredis';

/** What the dashboard keeps of one finished classification job (never its texts). */
export interface JobSummary {
  readonly id: string;
  readonly state: 'completed' | 'failed';
  readonly model: string;
  readonly channel: string;
  readonly finishedOn: number;
  /** Request creation to result ready, ms (completed jobs). */
  readonly endToEndMs?: number;
  /** Enqueue to taken by a worker, ms (completed jobs). */
  readonly queueMs?: number;
  /** Batcher plus onnxruntime, ms (completed jobs). */
  readonly inferenceMs?: number;
  /** Top label of each text (completed jobs). */
  readonly labels: readonly string[];
  /** Error code (failed jobs). */
  readonly errorCode?: string;
  /** Error message, shortened (failed jobs). */
  readonly errorMessage?: string;
}

const MAX_MESSAGE_CHARS = 300;

const FIELDS = ['data', 'returnvalue', 'failedReason', 'finishedOn'] as const;

function parseJson(text: string | null): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown, fallback: string): string => (typeof v === 'string' && v ? v : fallback);

/** Builds a summary from a job hash's fields; `undefined` when the job is gone. */
export function summarizeJob(
  id: string,
  state: 'completed' | 'failed',
  values: readonly (string | null)[],
): JobSummary | undefined {
  const [dataText, returnText, failedReason, finishedOnText] = values;
  if (dataText == null) return undefined;
  const data = (parseJson(dataText) ?? {}) as Record<string, unknown>;
  const finishedOn = Number(finishedOnText) || 0;
  const base = {
    id,
    state,
    model: str(data.model, '(unknown)'),
    channel: str(data.channel, '(unknown)'),
    finishedOn,
  };
  if (state === 'failed') {
    const { code, message } = decodeFailure(failedReason ?? undefined);
    const short =
      message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS - 1)}…` : message;
    return { ...base, labels: [], errorCode: code, errorMessage: short };
  }
  const result = (parseJson(returnText) ?? {}) as Record<string, unknown>;
  const createdAt = num(data.createdAt);
  const finishedAt = num(result.finishedAt) ?? finishedOn;
  const results = Array.isArray(result.results) ? (result.results as { top?: { label?: unknown } }[]) : [];
  const endToEndMs = createdAt !== undefined && finishedAt ? Math.max(0, finishedAt - createdAt) : undefined;
  const queueMs = num(result.queueMs);
  const inferenceMs = num(result.inferenceMs);
  return {
    ...base,
    model: str(result.model, base.model),
    labels: results.map((r) => str(r?.top?.label, '(none)')),
    ...(endToEndMs !== undefined ? { endToEndMs } : {}),
    ...(queueMs !== undefined ? { queueMs } : {}),
    ...(inferenceMs !== undefined ? { inferenceMs } : {}),
  };
}

/**
 * Reads the most recently finished jobs of one queue straight from BullMQ's Redis keys: the
 * `completed` and `failed` sorted sets (scored by finish time) and each job's hash. Summaries are
 * cached by id and finish time, so a poll only reads the jobs that finished since the last one.
 */
export class RecentJobs {
  private readonly cache = new Map<string, JobSummary>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly queue: string,
    /** How many jobs of each state to keep in the sample. */
    readonly sampleSize: number,
  ) {}

  /** The last `sampleSize` completed and the last `sampleSize` failed jobs, newest first. */
  async read(): Promise<{ completed: JobSummary[]; failed: JobSummary[] }> {
    const live = new Set<string>();
    const [completed, failed] = await Promise.all([
      this.readState('completed', live),
      this.readState('failed', live),
    ]);
    for (const key of this.cache.keys()) if (!live.has(key)) this.cache.delete(key);
    return { completed, failed };
  }

  private async readState(state: 'completed' | 'failed', live: Set<string>): Promise<JobSummary[]> {
    const setKey = `${this.prefix}:${this.queue}:${state}`;
    const flat = await this.redis.zrevrange(setKey, 0, this.sampleSize - 1, 'WITHSCORES');
    const entries: { id: string; cacheKey: string }[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const id = flat[i]!;
      const cacheKey = `${state}:${id}@${flat[i + 1]}`;
      entries.push({ id, cacheKey });
      live.add(cacheKey);
    }
    const missing = entries.filter((e) => !this.cache.has(e.cacheKey));
    if (missing.length > 0) {
      const pipeline = this.redis.pipeline();
      for (const e of missing) pipeline.hmget(`${this.prefix}:${this.queue}:${e.id}`, ...FIELDS);
      const replies = (await pipeline.exec()) ?? [];
      missing.forEach((e, i) => {
        const [err, values] = replies[i] ?? [];
        if (err || !Array.isArray(values)) return;
        const summary = summarizeJob(e.id, state, values as (string | null)[]);
        if (summary) this.cache.set(e.cacheKey, summary);
      });
    }
    return entries.flatMap((e) => {
      const s = this.cache.get(e.cacheKey);
      return s ? [s] : [];
    });
  }
}
