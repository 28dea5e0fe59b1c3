/** How the client backs off between attempts. */
export interface BackoffOptions {
  /** First delay in ms; doubled each retry. Default 250. */
  readonly baseMs?: number;
  /** Longest delay in ms. Default 8,000. */
  readonly maxMs?: number;
}

/**
 * The delay before retry number `attempt` (0 for the first retry): exponential, capped, with
 * "equal jitter" (between half and all of the step) so that many clients do not retry in lockstep.
 * A server's `Retry-After` wins over it.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random = Math.random): number {
  const step = Math.min(options.maxMs ?? 8_000, (options.baseMs ?? 250) * 2 ** attempt);
  return Math.round(step / 2 + (random() * step) / 2);
}

/** `Retry-After` in ms: delta-seconds or an HTTP date; `undefined` when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
