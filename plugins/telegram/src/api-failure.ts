import { PermanentDeliveryError, RetryLaterError } from '@switchboard/core';
import { GrammyError } from 'grammy';

/** True when the Bot API refused a call with this HTTP-like error code. */
export function hasErrorCode(err: unknown, code: number): boolean {
  return err instanceof GrammyError && err.error_code === code;
}

/**
 * Maps a Bot API failure to what the delivery queue should do: wait out a 429 for its
 * `retry_after` without using an attempt, give up on other refusals (4xx: retrying cannot change
 * the answer), and retry with backoff on anything else (5xx, timeouts, connection errors).
 */
export function deliveryFailure(err: unknown, what: string): Error {
  if (err instanceof GrammyError) {
    if (err.error_code === 429) {
      const seconds = err.parameters.retry_after ?? 1;
      return new RetryLaterError(Math.max(seconds * 1_000, 100));
    }
    if (err.error_code >= 400 && err.error_code < 500) {
      return new PermanentDeliveryError(`Telegram refused to ${what}: ${err.error_code} ${err.description}`);
    }
    return new Error(`Telegram failed to ${what}: ${err.error_code} ${err.description}`);
  }
  return err instanceof Error ? err : new Error(String(err));
}
