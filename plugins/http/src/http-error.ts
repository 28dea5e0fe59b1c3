import { SwitchboardError } from '@switchboard/core';

/** Machine-readable kinds of failure in the API's error bodies, beyond the core's own codes. */
export type HttpErrorCode =
  | SwitchboardError['code']
  | 'bad_request'
  | 'payload_too_large'
  | 'unauthorized'
  | 'rate_limited'
  | 'queue_full'
  | 'idempotency_conflict'
  | 'callback_not_allowed'
  | 'job_not_completed'
  | 'feedback_window_closed'
  | 'unknown_label'
  | 'internal';

/** The body of every error answer: `{"error": "<sentence for a person>", "code": "<kind>"}`. */
export interface ErrorBody {
  error: string;
  code: HttpErrorCode;
}

/** An error that becomes an HTTP answer with this status, body and headers. */
export class HttpError extends Error {
  /** HTTP status. */
  readonly status: 400 | 401 | 404 | 409 | 413 | 422 | 424 | 429 | 500 | 503 | 504;
  /** Machine-readable kind. */
  readonly code: HttpErrorCode;
  /** Extra headers (`Retry-After`, `WWW-Authenticate`). */
  readonly headers: Record<string, string>;

  constructor(
    status: HttpError['status'],
    code: HttpErrorCode,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  /** The JSON body. */
  get body(): ErrorBody {
    return { error: this.message, code: this.code };
  }
}

/** Seconds a client should wait before retrying when Redis is down. */
const UNAVAILABLE_RETRY_SECONDS = 5;

/** The answer for an error the core raised (bad input, unknown model, Redis down, failed job...). */
export function fromSwitchboardError(err: SwitchboardError): HttpError {
  switch (err.code) {
    case 'invalid_input':
      return new HttpError(422, err.code, err.message);
    case 'unknown_model':
    case 'not_found':
      return new HttpError(404, err.code, err.message);
    case 'queue_unavailable':
      return new HttpError(503, err.code, `${err.message} Try again in a few seconds.`, {
        'Retry-After': String(UNAVAILABLE_RETRY_SECONDS),
      });
    case 'model_load':
      return new HttpError(503, err.code, `The model cannot be loaded: ${err.message}`);
    case 'timeout':
      return new HttpError(504, err.code, err.message);
    default:
      return new HttpError(500, err.code, err.message);
  }
}

/** Any thrown value as an HttpError; unexpected ones become a 500 without internals. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof SwitchboardError) return fromSwitchboardError(err);
  return new HttpError(500, 'internal', 'Internal error; it has been logged. Try again later.');
}
