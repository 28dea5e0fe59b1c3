import { RetryLaterError } from '@switchboard/core';
import { POSTED, type PostResult, unusable } from './post-result.js';
import type { SlackMessage } from './slack-message.js';

/** Longest wait for Slack to answer one post. */
const POST_TIMEOUT_MS = 10_000;

/** The wait when a 429 carries no usable `Retry-After`. */
const DEFAULT_RETRY_AFTER_MS = 1_000;

/** Parses `Retry-After` (seconds, or an HTTP date) into milliseconds. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (!header) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1_000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_MS : Math.max(0, date - now);
}

/**
 * Posts an answer to an interaction's `response_url`. A 429 becomes {@link RetryLaterError};
 * `expired_url` / `used_url` answers (HTTP 404 or 410, or those words in the body) and other
 * rejections of the message make the URL unusable; 5xx and network failures are thrown to retry.
 */
export async function postToResponseUrl(
  url: string,
  message: SlackMessage,
  visibility: 'ephemeral' | 'in_channel',
): Promise<PostResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ response_type: visibility, replace_original: false, ...message }),
    signal: AbortSignal.timeout(POST_TIMEOUT_MS),
  }).catch((err: Error) => {
    throw new Error(`response_url post failed: ${err.message}`, { cause: err });
  });
  const body = (await response.text().catch(() => '')).slice(0, 500);
  if (response.status === 429) {
    throw new RetryLaterError(retryAfterMs(response.headers.get('retry-after')), 'response_url rate limited');
  }
  if (/expired_url|used_url/.test(body))
    return unusable(`response_url: ${body.match(/expired_url|used_url/)![0]}`);
  if (response.status === 404 || response.status === 410)
    return unusable(`response_url: HTTP ${response.status}`);
  if (response.status >= 500) throw new Error(`response_url answered HTTP ${response.status}`);
  if (!response.ok) return unusable(`response_url: HTTP ${response.status} ${body}`);
  // Slack answers 200 with a JSON error for some rejections.
  if (/"ok"\s*:\s*false/.test(body)) return unusable(`response_url: ${body}`);
  return POSTED;
}
