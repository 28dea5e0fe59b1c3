/** What BullMQ's `queue.getMetrics(type, 0, n)` returns. */
export interface BullMetrics {
  readonly meta: { readonly count: number; readonly prevTS: number; readonly prevCount: number };
  /** Per-minute counts, newest first, for the minutes before the one `prevTS` falls in. */
  readonly data: readonly number[];
}

const MINUTE = 60_000;

/**
 * Per-minute counts for the `minutes` minutes ending with the current one, oldest first.
 *
 * BullMQ closes a minute only when the first job of a later minute finishes: `data[0]` is the
 * minute before `prevTS`'s, the minute of `prevTS` is still open and holds `count - prevCount`, and
 * minutes after it (no job finished since) are zero. Aligning on `prevTS` rather than on "now"
 * keeps a quiet queue's old bursts at the right place on the chart.
 */
export function minuteSeries(metrics: BullMetrics, minutes: number, now: number): number[] {
  const currentMinute = Math.floor(now / MINUTE);
  const series = new Array<number>(minutes).fill(0);
  const { meta, data } = metrics;
  if (!meta.prevTS) return series;
  const openMinute = Math.floor(meta.prevTS / MINUTE);
  const put = (minute: number, value: number) => {
    const index = minutes - 1 - (currentMinute - minute);
    if (index >= 0 && index < minutes) series[index] = value;
  };
  put(openMinute, Math.max(0, meta.count - meta.prevCount));
  for (const [i, value] of data.entries()) put(openMinute - 1 - i, value);
  return series;
}

/** Start of each minute of {@link minuteSeries}, in Unix seconds (what charts plot on x). */
export function minuteStarts(minutes: number, now: number): number[] {
  const current = Math.floor(now / MINUTE);
  return Array.from({ length: minutes }, (_, i) => ((current - minutes + 1 + i) * MINUTE) / 1_000);
}

/** Failed share of finished jobs per minute; `null` where nothing finished (no rate to draw). */
export function failureRates(completed: readonly number[], failed: readonly number[]): (number | null)[] {
  return completed.map((c, i) => {
    const f = failed[i] ?? 0;
    return c + f === 0 ? null : f / (c + f);
  });
}
