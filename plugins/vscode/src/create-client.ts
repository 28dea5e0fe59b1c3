import { SwitchboardClient } from '@switchboard/client';
import type { Settings } from './settings.js';

/**
 * Extra attempts the client makes on its own after a 429, a 503 or a refused connection. One covers
 * a blip; beyond that the person is better served by a message with a Retry button than by a
 * notification that keeps spinning.
 */
export const CLIENT_RETRIES = 1;

/**
 * A fetch that also gives up when `cancel` aborts, so that cancelling the progress notification
 * cancels the HTTP request in flight (the client keeps its own timeout signal alongside).
 */
export function cancellableFetch(cancel: AbortSignal): typeof fetch {
  return (input, init) =>
    globalThis.fetch(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, cancel]) : cancel,
    });
}

/** A client of the server the settings name, sending `apiKey` and cancelled by `cancel`. */
export function createClient(
  settings: Settings,
  apiKey: string | undefined,
  cancel: AbortSignal,
): SwitchboardClient {
  return new SwitchboardClient({
    baseUrl: settings.serverUrl,
    apiKey,
    timeoutMs: settings.timeoutMs,
    retries: CLIENT_RETRIES,
    fetch: cancellableFetch(cancel),
  });
}
