/** What every {@link SwitchboardHttpError} knows about the failed call. */
export interface HttpErrorDetails {
  /** HTTP status; 0 when no answer came (connection refused, client-side timeout). */
  readonly status: number;
  /** The server's machine-readable `code` (e.g. `rate_limited`), or a client-side one. */
  readonly code: string;
  /** Job id, when the failure concerns a known job. */
  readonly jobId?: string | undefined;
  /** The underlying error (network failure, abort). */
  readonly cause?: unknown;
}

/** Base class of every error the client throws; `message` is the server's sentence for a person. */
export class SwitchboardHttpError extends Error {
  /** HTTP status; 0 when no answer came. */
  readonly status: number;
  /** Machine-readable kind of failure. */
  readonly code: string;
  /** Job id, when known. */
  readonly jobId: string | undefined;

  constructor(message: string, details: HttpErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.status = details.status;
    this.code = details.code;
    this.jobId = details.jobId;
  }
}

/** 401: the API key is missing or wrong. Retrying will not help; fix the key. */
export class AuthError extends SwitchboardHttpError {}

/** 404: no such model or job. */
export class NotFoundError extends SwitchboardHttpError {}

/**
 * 409: the request cannot apply to the resource as it is now (feedback on a job not completed, or
 * after its feedback window). `code` says which.
 */
export class ConflictError extends SwitchboardHttpError {}

/** 400, 413, 422: the request itself is wrong (the message names the field). Do not retry it as is. */
export class InvalidInputError extends SwitchboardHttpError {}

/** 429: the key's rate limit or the server's queue limit was hit; retry after {@link RateLimitError.retryAfterMs}. */
export class RateLimitError extends SwitchboardHttpError {
  /** How long the server asked to wait, in ms (from `Retry-After`); `undefined` when it did not say. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: HttpErrorDetails & { retryAfterMs: number | undefined }) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 503, or no answer at all: the server or its queue (Redis) is unreachable for now. */
export class UnavailableError extends SwitchboardHttpError {
  /** How long the server asked to wait, in ms, when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: HttpErrorDetails & { retryAfterMs?: number | undefined }) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * The result did not come in time: the client's `timeoutMs` ran out (status 0) or the server gave up
 * waiting (504). The job may still finish: {@link SwitchboardHttpError.jobId} finds it.
 */
export class TimeoutError extends SwitchboardHttpError {}
