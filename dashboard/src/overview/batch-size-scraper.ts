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

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

function hostOf(worker: WorkerEntry, localHost: string): string {
  // Workers announce where their metrics server can be reached (pod IP, host address, or the
  // loopback address it is bound to); older ones only their host name, read on 127.0.0.1 when it
  // is this machine's.
  if (worker.metricsHost) return worker.metricsHost;
  return !worker.host || worker.host === localHost ? '127.0.0.1' : worker.host;
}

/** The URL of a worker's `/metrics`, at the address it announced. */
export function metricsUrl(worker: WorkerEntry, localHost = hostname()): string {
  const host = hostOf(worker, localHost);
  return `http://${host.includes(':') ? `[${host}]` : host}:${worker.metricsPort}/metrics`;
}

/**
 * Why a worker's `/metrics` cannot be read from here, or `undefined` when it can be tried: a
 * worker on another machine whose metrics server listens on its own loopback is out of reach,
 * and asking this machine's loopback instead could read some other process.
 */
export function unreachableReason(worker: WorkerEntry, localHost = hostname()): string | undefined {
  if (!worker.metricsHost || !isLoopback(worker.metricsHost) || !worker.host || worker.host === localHost) {
    return undefined;
  }
  return `its metrics listen on ${worker.metricsHost} of ${worker.host}; set WORKER_METRICS_HOST=0.0.0.0 there (and WORKER_ANNOUNCE_HOST or POD_IP if its own address is not the one to use)`;
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
 * Reads the `switchboard_batch_size` histogram from every worker's `/metrics` at the address the
 * worker announced (the worker keeps batch sizes in its own memory, not in Redis). A worker that does not answer within the timeout
 * is reported, not fatal. Figures count since each worker process started.
 */
export async function scrapeBatchSizes(
  workers: readonly WorkerEntry[],
  timeoutMs = 1_000,
  localHost = hostname(),
): Promise<BatchSizeReport> {
  const cumulative = new Map<string, Map<number, number>>();
  const totals = new Map<string, { count: number; sum: number }>();
  const scrapes = await Promise.all(
    workers
      .filter((w) => w.metricsPort > 0)
      .map(async (worker): Promise<ScrapeOutcome> => {
        const url = metricsUrl(worker, localHost);
        const unreachable = unreachableReason(worker, localHost);
        if (unreachable) return { worker: worker.id, url, ok: false, error: unreachable };
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
