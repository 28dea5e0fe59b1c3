import { randomUUID } from 'node:crypto';
import { requestIdFor } from '@switchboard/core';
import { HttpError } from './http-error.js';

/** Longest `Idempotency-Key` accepted. */
export const MAX_IDEMPOTENCY_KEY_CHARS = 255;

const PRINTABLE = /^[\x21-\x7e]+$/;

/**
 * The job id of a request: a fresh `http-<32 hex>` (starts with a letter, no `:`, as BullMQ job ids
 * must), or, when the client sent an `Idempotency-Key`, one derived from that key and the caller's
 * key name, so a retried request maps to the same job while two callers' keys never collide.
 */
export function requestIdOf(idempotencyKey: string | undefined, caller: string): string {
  if (idempotencyKey === undefined) return `http-${randomUUID().replaceAll('-', '')}`;
  if (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_CHARS) {
    throw new HttpError(
      400,
      'bad_request',
      `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_CHARS} characters long.`,
    );
  }
  if (!PRINTABLE.test(idempotencyKey)) {
    throw new HttpError(400, 'bad_request', 'Idempotency-Key may only use printable ASCII without spaces.');
  }
  return requestIdFor('http', idempotencyKey, caller);
}
