import { type Percentiles, percentiles } from './percentiles.js';
import type { JobSummary } from './recent-jobs.js';

/** Completed and failed jobs of one channel or model. */
export interface Volume {
  completed: number;
  failed: number;
  /** Texts classified by the completed jobs. */
  texts: number;
}

/** What the overview shows about the recent jobs of the classify queue. */
export interface JobStatistics {
  /** Jobs the figures come from, and the time they span. */
  readonly sample: {
    readonly completed: number;
    readonly failed: number;
    readonly oldestFinishedOn: number | null;
    readonly newestFinishedOn: number | null;
  };
  /** Milliseconds; `null` when no completed job carried the figure. */
  readonly latency: {
    readonly endToEnd: Percentiles | null;
    readonly queueWait: Percentiles | null;
    readonly inference: Percentiles | null;
  };
  readonly byChannel: Record<string, Volume>;
  readonly byModel: Record<string, Volume>;
  /** Top-label counts per model, one per classified text. */
  readonly labelsByModel: Record<string, Record<string, number>>;
  /** Failed jobs per error code. */
  readonly failuresByCode: Record<string, number>;
  /** The newest failed jobs, for a quick look and a retry. */
  readonly recentFailures: readonly JobSummary[];
}

/** Failed jobs listed on the overview. */
export const RECENT_FAILURES_SHOWN = 10;

function volumeOf(map: Record<string, Volume>, key: string): Volume {
  map[key] ??= { completed: 0, failed: 0, texts: 0 };
  return map[key];
}

/** Aggregates job summaries into latency percentiles, volumes and label counts. */
export function jobStatistics(
  completed: readonly JobSummary[],
  failed: readonly JobSummary[],
): JobStatistics {
  const byChannel: Record<string, Volume> = {};
  const byModel: Record<string, Volume> = {};
  const labelsByModel: Record<string, Record<string, number>> = {};
  const failuresByCode: Record<string, number> = {};
  for (const job of completed) {
    for (const v of [volumeOf(byChannel, job.channel), volumeOf(byModel, job.model)]) {
      v.completed += 1;
      v.texts += job.labels.length;
    }
    labelsByModel[job.model] ??= {};
    const labels = labelsByModel[job.model]!;
    for (const label of job.labels) labels[label] = (labels[label] ?? 0) + 1;
  }
  for (const job of failed) {
    volumeOf(byChannel, job.channel).failed += 1;
    volumeOf(byModel, job.model).failed += 1;
    const code = job.errorCode ?? 'unknown';
    failuresByCode[code] = (failuresByCode[code] ?? 0) + 1;
  }
  const finished = [...completed, ...failed].map((j) => j.finishedOn).filter((t) => t > 0);
  const pick = (f: (j: JobSummary) => number | undefined) =>
    percentiles(completed.flatMap((j) => (f(j) === undefined ? [] : [f(j)!]))) ?? null;
  return {
    sample: {
      completed: completed.length,
      failed: failed.length,
      oldestFinishedOn: finished.length ? Math.min(...finished) : null,
      newestFinishedOn: finished.length ? Math.max(...finished) : null,
    },
    latency: {
      endToEnd: pick((j) => j.endToEndMs),
      queueWait: pick((j) => j.queueMs),
      inference: pick((j) => j.inferenceMs),
    },
    byChannel,
    byModel,
    labelsByModel,
    failuresByCode,
    recentFailures: failed.slice(0, RECENT_FAILURES_SHOWN),
  };
}
