import { type FeedbackRecord, type FinishedJob, isAgreement, parseModelRef } from '@switchboard/core';

/** Rated answers needed before agreement is judged. */
export const MIN_RATED_FOR_AGREEMENT = 30;
/** Agreement below this (with enough ratings) calls for retraining. */
export const AGREEMENT_TARGET = 0.8;
/** Answered share below this (with {@link MIN_ASKED_FOR_AVAILABILITY} asked) calls for a look at failures. */
export const AVAILABILITY_TARGET = 0.99;
/** Jobs needed before availability is judged. */
export const MIN_ASKED_FOR_AVAILABILITY = 20;
/**
 * p95 time to answer each channel should stay under, in ms: Slack and Discord drop an interaction
 * not answered within 3 s; the others default to the HTTP API's 10 s wait.
 */
export const TIME_TO_ANSWER_TARGET_MS: Readonly<Record<string, number>> = { slack: 3_000, discord: 3_000 };
/** Target of channels not in {@link TIME_TO_ANSWER_TARGET_MS}. */
export const DEFAULT_TIME_TO_ANSWER_TARGET_MS = 10_000;

/** One correction: how often people changed `predicted` into `label`. */
export interface Correction {
  predicted: string;
  label: string;
  count: number;
}

/** One row of the report: a channel × model × version over the window. */
export interface ReportRow {
  channel: string;
  model: string;
  version: string;
  /** Finished jobs (answered or failed) still kept by the queue. */
  asked: number;
  answered: number;
  failed: number;
  /** Failed jobs by reason (error code). */
  failures: Record<string, number>;
  /** answered ÷ asked; `null` when nothing was asked. */
  availability: number | null;
  time_to_answer_p50_ms: number | null;
  time_to_answer_p95_ms: number | null;
  rated: number;
  /** Share of rated answers marked right; `null` when none was rated. */
  agreement: number | null;
  /** 95% Wilson interval of `agreement`. */
  agreement_low: number | null;
  agreement_high: number | null;
  /** Corrections (wrong answers), most frequent first. */
  confusion: Correction[];
  recommendations: string[];
}

interface Group {
  channel: string;
  model: string;
  version: string;
  asked: number;
  answered: number;
  failures: Map<string, number>;
  latencies: number[];
  rated: number;
  agreed: number;
  corrections: Map<string, Correction>;
}

/** The 95% Wilson score interval of `successes` out of `n`. */
export function wilsonInterval(successes: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** The `q` quantile (0..1) of `values` by nearest rank; `null` for none. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * The channel report: for each channel × model × version, volume and availability from the
 * finished jobs, time to answer from a request's arrival to its result, and agreement from the
 * feedback records, with recommendations from the documented thresholds above.
 */
export function channelReport(
  jobs: readonly FinishedJob[],
  feedback: readonly FeedbackRecord[],
): ReportRow[] {
  const groups = new Map<string, Group>();
  const group = (channel: string, model: string, version: string): Group => {
    const key = `${channel}\u0000${model}\u0000${version}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        channel,
        model,
        version,
        asked: 0,
        answered: 0,
        failures: new Map(),
        latencies: [],
        rated: 0,
        agreed: 0,
        corrections: new Map(),
      };
      groups.set(key, g);
    }
    return g;
  };
  for (const job of jobs) {
    const asked = parseModelRef(job.request.model);
    const g = group(
      job.request.channel,
      job.result?.model ?? asked.name,
      job.result?.version ?? asked.version ?? 'unknown',
    );
    g.asked++;
    if (job.state === 'completed') {
      g.answered++;
      g.latencies.push(Math.max(0, job.finishedOn - job.request.createdAt));
    } else {
      const code = job.error?.code ?? 'unknown';
      g.failures.set(code, (g.failures.get(code) ?? 0) + 1);
    }
  }
  for (const r of feedback) {
    const g = group(r.channel, r.model, r.version);
    g.rated++;
    if (isAgreement(r)) {
      g.agreed++;
      continue;
    }
    const key = `${r.predicted.label}\u0000${r.label}`;
    const c = g.corrections.get(key) ?? { predicted: r.predicted.label, label: r.label, count: 0 };
    c.count++;
    g.corrections.set(key, c);
  }
  return [...groups.values()]
    .sort(
      (a, b) =>
        a.channel.localeCompare(b.channel) ||
        a.model.localeCompare(b.model) ||
        a.version.localeCompare(b.version),
    )
    .map(toRow);
}

function toRow(g: Group): ReportRow {
  const [low, high] = wilsonInterval(g.agreed, g.rated);
  const row: ReportRow = {
    channel: g.channel,
    model: g.model,
    version: g.version,
    asked: g.asked,
    answered: g.answered,
    failed: g.asked - g.answered,
    failures: Object.fromEntries([...g.failures].sort((a, b) => b[1] - a[1])),
    availability: g.asked ? g.answered / g.asked : null,
    time_to_answer_p50_ms: quantile(g.latencies, 0.5),
    time_to_answer_p95_ms: quantile(g.latencies, 0.95),
    rated: g.rated,
    agreement: g.rated ? g.agreed / g.rated : null,
    agreement_low: g.rated ? low : null,
    agreement_high: g.rated ? high : null,
    confusion: [...g.corrections.values()].sort((a, b) => b.count - a.count),
    recommendations: [],
  };
  row.recommendations = recommend(row);
  return row;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

function recommend(r: ReportRow): string[] {
  const out: string[] = [];
  const who = `${r.model}@${r.version} on ${r.channel}`;
  if (r.agreement !== null && r.rated >= MIN_RATED_FOR_AGREEMENT && r.agreement < AGREEMENT_TARGET) {
    const top = r.confusion[0];
    const mostly = top ? `, mostly ${top.predicted} → ${top.label}` : '';
    out.push(
      `${who}: ${pct(1 - r.agreement)} of ${r.rated} rated answers were wrong${mostly}; retrain with the corrections (pnpm switchboard feedback export --model ${r.model} --channel ${r.channel} > fb.tsv, then train --data fb.tsv).`,
    );
  }
  const target = TIME_TO_ANSWER_TARGET_MS[r.channel] ?? DEFAULT_TIME_TO_ANSWER_TARGET_MS;
  if (r.time_to_answer_p95_ms !== null && r.time_to_answer_p95_ms > target) {
    out.push(
      `${r.channel}: p95 time to answer ${(r.time_to_answer_p95_ms / 1000).toFixed(1)} s, above the ${target / 1000} s target; add workers or use a smaller (int8) version of ${r.model}.`,
    );
  }
  if (
    r.availability !== null &&
    r.asked >= MIN_ASKED_FOR_AVAILABILITY &&
    r.availability < AVAILABILITY_TARGET
  ) {
    const reason = Object.keys(r.failures)[0];
    out.push(
      `${who}: only ${pct(r.availability)} of ${r.asked} requests were answered; ${r.failed} failed${reason ? `, mostly ${reason}` : ''}. Check the worker logs.`,
    );
  }
  if (r.rated < MIN_RATED_FOR_AGREEMENT && r.answered >= 100) {
    out.push(
      `${who}: ${r.rated} of ${r.answered} answers rated, fewer than the ${MIN_RATED_FOR_AGREEMENT} needed to judge agreement; ask people for feedback.`,
    );
  }
  return out;
}
