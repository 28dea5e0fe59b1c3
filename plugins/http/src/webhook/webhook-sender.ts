import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './callback-policy.js';

/** What the receiver answered. */
export interface SendAnswer {
  readonly status: number;
  /** The `Retry-After` header as sent, when there was one. */
  readonly retryAfter: string | undefined;
}

/** One POST of a signed body. */
export interface SendRequest {
  readonly url: URL;
  /** The checked address to connect to (never resolved again). */
  readonly address: ResolvedAddress;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly timeoutMs: number;
}

/** The receiver did not answer in time. */
export class SendTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'SendTimeoutError';
  }
}

/** Most answer bytes read (and thrown away) before the connection is dropped. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs once to the already checked address: the connection's DNS lookup is replaced by one that
 * returns that address, so what was checked is what is reached, while TLS still verifies the
 * certificate for the URL's host name. Redirects are not followed (a 3xx is just an answer).
 * Resolves with the status; rejects on connection errors and on timeout.
 */
export function sendOnce(req: SendRequest): Promise<SendAnswer> {
  const pinned: LookupFunction = (_host, options, callback) => {
    const { address, family } = req.address;
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address, family },
      ]);
    } else callback(null, address, family);
  };
  const request = req.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SendAnswer>((resolve, reject) => {
    const outgoing = request(
      req.url,
      {
        method: 'POST',
        lookup: pinned,
        headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) },
        agent: false,
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        const done = () => {
          clearTimeout(timer);
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, retryAfter });
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    // One deadline for the whole exchange: a receiver that drips its answer byte by byte is as
    // stuck as one that never answers.
    const timer = setTimeout(() => outgoing.destroy(new SendTimeoutError(req.timeoutMs)), req.timeoutMs);
    outgoing.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    outgoing.end(req.body);
  });
}
