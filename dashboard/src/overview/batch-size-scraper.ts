import { hostname } from 'node:os';
import { parsePromText } from './prom-text.js';
import type { WorkerEntry } from './worker-directory.js';

/** Name of the worker's histogram of texts per onnxruntime run. */
export const BATCH_SIZE_METRIC = 'switchboard_batch_size';

/** Batch sizes of one model, summed over the workers that answered. */
export interface BatchSizeHistogram {
  /**
   * Runs per bucket (not cumulative): bucket `i` holds sizes in (`le[i-1]`, `le[i]`]; the last
   * bucket's `le` is `null` for +Inf (JSON has no infinity).
   */
  readonly buckets: readonly { readonly le: number | null; readonly runs: number }[];
  /** onnxruntime runs. */
  readonly runs: number;
  /** Texts in those runs. */
  readonly texts: number;
}

/** How scraping one worker went. */
export interface ScrapeOutcome {
  readonly worker: string;
  readonly url: string;
  readonly ok: boolean;
  readonly error?: string;
}

/** Batch sizes by model, and which workers could be read. */
export interface BatchSizeReport {
  readonly byModel: Record<string, BatchSizeHistogram>;
  readonly scrapes: readonly ScrapeOutcome[];
}

/**
 * The URL of a worker's `/metrics`. Workers bind their metrics server to loopback by default, and
 * a worker on this machine announces this machine's host name, so those are read on 127.0.0.1.
 */
export function metricsUrl(worker: WorkerEntry, localHost = hostname()): string {
  const host = !worker.host || worker.host === localHost ? '127.0.0.1' : worker.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${worker.metricsPort}/metrics`;
}

/** Cumulative Prometheus buckets (`le` to count) summed per model into per-bucket run counts. */
export function batchHistograms(
  cumulative: Map<string, Map<number, number>>,
  totals: Map<string, { count: number; sum: number }>,
): Record<string, BatchSizeHistogram> {
  const out: Record<string, BatchSizeHistogram> = {};
  for (const [model, byLe] of cumulative) {
    const les = [...byLe.keys()].sort((a, b) => a - b);
    let previous = 0;
    const buckets = les.map((le) => {
      const c = byLe.get(le)!;
      const runs = Math.max(0, c - previous);
      previous = c;
      return { le: Number.isFinite(le) ? le : null, runs };
    });
    const total = totals.get(model) ?? { count: previous, sum: 0 };
    out[model] = { buckets, runs: total.count, texts: total.sum };
  }
  return out;
}

/**
 * Reads the `switchboard_batch_size` histogram from every worker's `/metrics` (the worker keeps
 * batch sizes in its own memory, not in Redis). A worker that does not answer within the timeout
 * is reported, not fatal. Figures count since each worker process started.
 */
export async function scrapeBatchSizes(
  workers: readonly WorkerEntry[],
  timeoutMs = 1_000,
): Promise<BatchSizeReport> {
  const cumulative = new Map<string, Map<number, number>>();
  const totals = new Map<string, { count: number; sum: number }>();
  const scrapes = await Promise.all(
    workers
      .filter((w) => w.metricsPort > 0)
      .map(async (worker): Promise<ScrapeOutcome> => {
        const url = metricsUrl(worker);
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
          if (!res.ok) return { worker: worker.id, url, ok: false, error: `HTTP ${res.status}` };
          for (const s of parsePromText(await res.text())) {
            const model = s.labels.model;
            if (!model) continue;
            if (s.name === `${BATCH_SIZE_METRIC}_bucket` && s.labels.le !== undefined) {
              const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
              const byLe = cumulative.get(model) ?? new Map<number, number>();
              byLe.set(le, (byLe.get(le) ?? 0) + s.value);
              cumulative.set(model, byLe);
            } else if (s.name === `${BATCH_SIZE_METRIC}_count` || s.name === `${BATCH_SIZE_METRIC}_sum`) {
              const t = totals.get(model) ?? { count: 0, sum: 0 };
              if (s.name.endsWith('_count')) t.count += s.value;
              else t.sum += s.value;
              totals.set(model, t);
            }
          }
          return { worker: worker.id, url, ok: true };
        } catch (err) {
          const e = err as Error & { cause?: { code?: string; message?: string } };
          // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND...).
          const reason =
            e.name === 'TimeoutError'
              ? `no answer within ${timeoutMs} ms`
              : (e.cause?.code ?? e.cause?.message ?? e.message);
          return { worker: worker.id, url, ok: false, error: reason };
        }
      }),
  );
  return { byModel: batchHistograms(cumulative, totals), scrapes };
}
