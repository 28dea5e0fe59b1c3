/** The usual latency percentiles of a sample, in the sample's unit. */
export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** Values the percentiles were computed from. */
  readonly count: number;
}

/**
 * p50/p95/p99 by the nearest-rank method (each is a value that occurred), or `undefined` for an
 * empty sample. Non-finite values are dropped.
 */
export function percentiles(values: readonly number[]): Percentiles | undefined {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return { p50: rank(0.5), p95: rank(0.95), p99: rank(0.99), count: sorted.length };
}
