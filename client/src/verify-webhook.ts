import type { Job } from './api-types.js';

/** How far a delivery's timestamp may be from now, in seconds (Standard Webhooks' tolerance). */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

/** A delivery that must not be trusted: bad or missing signature, or a timestamp too far off. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** Request headers as the common servers hand them over: a `Headers` or a plain record. */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | readonly string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(' ') : (value as string | undefined);
}

function fromBase64(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/**
 * Verifies a Switchboard callback per Standard Webhooks and returns the job it carries.
 * `body` must be the raw request body, exactly as received (parsing and re-serialising it would
 * change the bytes the signature covers). `secret` is the `whsec_...` secret the server signs with.
 * Uses Web Crypto, so it runs in Node 18+, Deno, Bun, workers and browsers.
 *
 * @example
 * ```ts
 * const job = await verifyWebhook(rawBody, req.headers, process.env.SWITCHBOARD_WEBHOOK_SECRET!);
 * ```
 * @throws WebhookVerificationError for a missing or bad signature, or a timestamp more than
 *   5 minutes from now
 */
export async function verifyWebhook(
  body: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  now: Date = new Date(),
): Promise<Job> {
  const key = secret.startsWith('whsec_') ? fromBase64(secret.slice('whsec_'.length)) : undefined;
  if (!key || key.length === 0)
    throw new TypeError('The webhook secret must be "whsec_" followed by base64.');
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature header.');
  }
  const seconds = /^\d{1,15}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  if (!Number.isFinite(seconds)) throw new WebhookVerificationError('Malformed webhook-timestamp.');
  if (Math.abs(now.getTime() / 1_000 - seconds) > WEBHOOK_TOLERANCE_SECONDS) {
    throw new WebhookVerificationError(
      'The webhook timestamp is more than 5 minutes from now (replayed or clock skew).',
    );
  }
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const subtle = globalThis.crypto.subtle;
  const hmac = await subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const signed = new TextEncoder().encode(`${id}.${timestamp}.${text}`);
  // The header may hold several space-separated signatures (during a secret rotation): one valid
  // v1 signature is enough. subtle.verify compares in constant time.
  for (const entry of signatures.split(' ')) {
    const [version, value] = entry.split(',', 2);
    const signature = version === 'v1' && value ? fromBase64(value) : undefined;
    if (signature && (await subtle.verify('HMAC', hmac, signature, signed))) {
      try {
        return JSON.parse(text) as Job;
      } catch {
        throw new WebhookVerificationError('The signed body is not JSON.');
      }
    }
  }
  throw new WebhookVerificationError('No valid webhook signature.');
}
