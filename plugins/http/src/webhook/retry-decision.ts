/** What one attempt came to, as counted in `switchboard_webhook_attempts_total{result}`. */
export type AttemptResult =
  | '2xx'
  | '3xx'
  | '408'
  | '410'
  | '429'
  | '4xx'
  | '5xx'
  | 'timeout'
  | 'connection_error'
  | 'refused';

/** What to do after an attempt. */
export type RetryDecision =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry'; readonly delayMs: number }
  /** Give up: `outcome` is counted in `switchboard_webhook_deliveries_total{outcome}`. */
  | {
      readonly kind: 'stop';
      readonly outcome: 'gone' | 'rejected' | 'redirect' | 'refused' | 'expired';
      readonly reason: string;
    };

/** Bounds of the retry schedule. */
export interface RetryBounds {
  /** First backoff delay; doubled after each failure. */
  readonly backoffMs: number;
  /** Longest single delay. */
  readonly maxDelayMs: number;
  /** Tries in all, the first included. */
  readonly maxAttempts: number;
  /** How long after the job was created the last try may start. */
  readonly maxAgeMs: number;
}

/**
 * `Retry-After` in ms: delay-seconds or an HTTP date; undefined when absent or unreadable. A
 * receiver cannot stretch the schedule beyond the bounds: the caller caps it by the delivery's age.
 */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The result label of an answer status. */
export function resultOfStatus(status: number): AttemptResult {
  if (status >= 200 && status < 300) return '2xx';
  if (status === 408 || status === 410 || status === 429) return String(status) as AttemptResult;
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 400 && status < 500) return '4xx';
  return '5xx';
}

/**
 * The retry policy of Standard Webhooks senders: 2xx delivered; 5xx, timeouts and connection
 * errors retried with exponential backoff; 408 and 429 retried after their `Retry-After` (backoff
 * when absent); 410 means the receiver is gone for good; other 4xx answers and redirects are not
 * retried (the same request would get the same answer). Retries stop after `maxAttempts` tries or
 * once the next one would start later than `maxAgeMs` after the job was created.
 *
 * @param attempt the try that just ended, 1 for the first
 */
export function decide(
  result: AttemptResult,
  retryAfter: number | undefined,
  attempt: number,
  createdAt: number,
  bounds: RetryBounds,
  now = Date.now(),
): RetryDecision {
  switch (result) {
    case '2xx':
      return { kind: 'delivered' };
    case '410':
      return { kind: 'stop', outcome: 'gone', reason: 'the receiver answered 410 Gone' };
    case '3xx':
      return {
        kind: 'stop',
        outcome: 'redirect',
        reason: 'the receiver answered a redirect, which is not followed',
      };
    case '4xx':
      return { kind: 'stop', outcome: 'rejected', reason: 'the receiver refused the delivery (4xx)' };
    case 'refused':
      return { kind: 'stop', outcome: 'refused', reason: 'the callback URL is not allowed' };
    default:
      break;
  }
  const backoff = Math.min(bounds.maxDelayMs, bounds.backoffMs * 2 ** (attempt - 1));
  const delayMs = (result === '408' || result === '429') && retryAfter !== undefined ? retryAfter : backoff;
  if (attempt >= bounds.maxAttempts) {
    return { kind: 'stop', outcome: 'expired', reason: `no success after ${attempt} attempts` };
  }
  if (now + delayMs > createdAt + bounds.maxAgeMs) {
    return {
      kind: 'stop',
      outcome: 'expired',
      reason: `the next attempt would come after the ${bounds.maxAgeMs} ms limit`,
    };
  }
  return { kind: 'retry', delayMs };
}
