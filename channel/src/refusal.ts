import type { RefusalReason } from './channel-metrics.js';

/** A request the runtime did not queue, with the sentence every channel tells the person. */
export interface Refusal {
  readonly queued: false;
  readonly reason: RefusalReason;
  /** One sentence for the person, the same in every channel (each may add its own emoji). */
  readonly message: string;
  /** The request field at fault (`texts[0]`), for `invalid_text`. */
  readonly field?: string;
  /** When the person may try again, for `rate_limited`. */
  readonly retryInSeconds?: number;
}

/** Said when Redis (the job queue) cannot be reached. */
export const UNAVAILABLE_MESSAGE =
  'Switchboard is temporarily unavailable: its job queue cannot be reached. Please try again in a minute.';

/** Said when something unexpected stopped a request before it was queued. */
export const FAILED_MESSAGE =
  'Something went wrong while queueing your request; please try again in a moment.';

/**
 * The core's refusal of a request (`texts[0] is longer than 10000 characters`) as a sentence for
 * the person who typed the text: `The text is longer than 10000 characters.`
 */
export function invalidTextMessage(field: string | undefined, message: string): string {
  if (field?.startsWith('texts')) return `The text ${message.replace(/^texts\[\d+\] /, '')}.`;
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
}

/** The per-person limit was reached. */
export function rateLimitedMessage(perMinute: number, retryInSeconds: number): string {
  return `Easy there: you can classify ${perMinute} texts a minute. Try again in ${retryInSeconds} s.`;
}
