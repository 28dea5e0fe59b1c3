import type {
  ClassifyResponse,
  ErrorBody,
  FeedbackReceipt,
  Job,
  JobAccepted,
  ModelsResponse,
} from './api-types.js';
import {
  AuthError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  RateLimitError,
  SwitchboardHttpError,
  TimeoutError,
  UnavailableError,
} from './errors.js';
import { type BackoffOptions, backoffDelay, parseRetryAfter } from './retry-policy.js';

/** Options of {@link SwitchboardClient}. */
export interface SwitchboardClientOptions {
  /** Where the API is, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** Bearer API key; omit for a server in local-development mode. */
  readonly apiKey?: string | undefined;
  /** Longest a call may take, retries and polling included, in ms. Default 30,000. */
  readonly timeoutMs?: number;
  /** Extra attempts after a 429, a 503 or a connection failure. Default 3. */
  readonly retries?: number;
  /** Backoff between attempts when the server sends no `Retry-After`. */
  readonly backoff?: BackoffOptions;
  /** Longest pause between two polls of a job, in ms. Default 1,000. */
  readonly maxPollIntervalMs?: number;
  /** The fetch to use. Default: the global one (Node 18+, browsers, VS Code). */
  readonly fetch?: typeof fetch;
}

/** Options of {@link SwitchboardClient.classify}. */
export interface ClassifyOptions {
  /** Model to use; the server's default when omitted. */
  readonly model?: string;
  /** Longest this call may take, in ms; the client's `timeoutMs` when omitted. */
  readonly timeoutMs?: number;
  /**
   * Idempotency key: the same key returns the same job instead of classifying again. A fresh one is
   * made for every call, so the client's own retries never classify twice.
   */
  readonly idempotencyKey?: string;
  /**
   * Have the finished job POSTed to this URL (signed; check it with {@link verifyWebhook}) instead of
   * waiting: `classify` then resolves at once to the accepted job.
   */
  readonly callbackUrl?: string;
}

interface Attempt {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly deadline: number;
  readonly jobId?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A verdict on an answer: the right label, or that the predicted label was right. */
export type FeedbackVerdict = string | { readonly correct: true };

/** Options of {@link SwitchboardClient.feedback}. */
export interface FeedbackOptions {
  /** Which text of the job is rated, from 0 (default 0). */
  readonly index?: number;
  /** Longest time for the call, retries included. */
  readonly timeoutMs?: number;
}

/**
 * A client of Switchboard's HTTP API. It uses the global `fetch` and has no runtime dependencies,
 * so it can be bundled into a VS Code extension. Failures are thrown as {@link SwitchboardHttpError}
 * subclasses; 429 and 503 answers (and refused connections) are retried with exponential backoff,
 * honouring `Retry-After`, a bounded number of times.
 *
 * @example
 * ```ts
 * const client = new SwitchboardClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: process.env.SWITCHBOARD_API_KEY });
 * const { results } = await client.classify(['I love it', 'I hate it'], { model: 'sentiment' });
 * ```
 */
export class SwitchboardClient {
  private readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoff: BackoffOptions;
  private readonly maxPollMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: SwitchboardClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`baseUrl "${options.baseUrl}" is not a URL (expected e.g. http://127.0.0.1:8080)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`baseUrl "${options.baseUrl}" must start with http:// or https://`);
    }
    this.baseUrl = url.toString().replace(/\/+$/, '');
    this.apiKey = options.apiKey || undefined;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = Math.max(0, Math.floor(options.retries ?? 3));
    this.backoff = options.backoff ?? {};
    this.maxPollMs = options.maxPollIntervalMs ?? 1_000;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  /**
   * Classifies texts and resolves to one result per text, in order. When the server answers 202
   * (the result was not ready within its wait), polls the job until it finishes or time runs out.
   * @throws InvalidInputError, NotFoundError (unknown model), AuthError, RateLimitError or
   *   UnavailableError (after the retries), TimeoutError (with the job id when one was created)
   */
  classify(
    texts: string | readonly string[],
    options: ClassifyOptions & { readonly callbackUrl: string },
  ): Promise<JobAccepted>;
  classify(texts: string | readonly string[], options?: ClassifyOptions): Promise<ClassifyResponse>;
  async classify(
    texts: string | readonly string[],
    options: ClassifyOptions = {},
  ): Promise<ClassifyResponse | JobAccepted> {
    const deadline = Date.now() + (options.timeoutMs ?? this.timeoutMs);
    const body = {
      inputs: typeof texts === 'string' ? texts : [...texts],
      ...(options.model !== undefined ? { model: options.model } : {}),
      ...(options.callbackUrl !== undefined ? { callback_url: options.callbackUrl } : {}),
    };
    const key = options.idempotencyKey ?? `client-${globalThis.crypto.randomUUID()}`;
    const first = await this.call<ClassifyResponse | JobAccepted>({
      method: 'POST',
      path: '/v1/classify',
      body,
      headers: { 'Idempotency-Key': key },
      deadline,
    });
    if (first.status === 200) return first.body as ClassifyResponse;
    if (options.callbackUrl !== undefined) return first.body as JobAccepted;
    return this.pollJob((first.body as JobAccepted).id, deadline);
  }

  /** The models the server offers, their labels and versions. */
  async models(options: { timeoutMs?: number } = {}): Promise<ModelsResponse> {
    const deadline = Date.now() + (options.timeoutMs ?? this.timeoutMs);
    return (await this.call<ModelsResponse>({ method: 'GET', path: '/v1/models', deadline })).body;
  }

  /**
   * A job by id (one created with this API key).
   * @throws NotFoundError when the server keeps no such job
   */
  async job(id: string, options: { timeoutMs?: number } = {}): Promise<Job> {
    const deadline = Date.now() + (options.timeoutMs ?? this.timeoutMs);
    return (await this.call<Job>({ method: 'GET', path: jobPath(id), deadline, jobId: id })).body;
  }

  /**
   * Says which label is right for a job's answer: a label, or `{ correct: true }` when the
   * predicted one was. Sending again replaces the earlier feedback.
   * @throws NotFoundError (unknown job, or another key's), ConflictError (job not completed, or its
   *   feedback window has passed), InvalidInputError (a label the model lacks)
   */
  async feedback(
    id: string,
    verdict: FeedbackVerdict,
    options: FeedbackOptions = {},
  ): Promise<FeedbackReceipt> {
    const deadline = Date.now() + (options.timeoutMs ?? this.timeoutMs);
    const body = {
      ...(typeof verdict === 'string' ? { label: verdict } : { correct: true }),
      ...(options.index !== undefined ? { index: options.index } : {}),
    };
    const path = `${jobPath(id)}/feedback`;
    return (await this.call<FeedbackReceipt>({ method: 'POST', path, body, deadline, jobId: id })).body;
  }

  private async pollJob(id: string, deadline: number): Promise<ClassifyResponse> {
    let pause = 100;
    for (;;) {
      const { body: job } = await this.call<Job>({ method: 'GET', path: jobPath(id), deadline, jobId: id });
      if (job.state === 'completed' && job.result) return job.result;
      if (job.state === 'failed') throw jobFailure(job);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new TimeoutError(`Job ${id} did not finish in time (last state: ${job.state}).`, {
          status: 0,
          code: 'timeout',
          jobId: id,
        });
      }
      await sleep(Math.min(pause, left));
      pause = Math.min(this.maxPollMs, pause * 2);
    }
  }

  /** One request with retries; resolves to a 2xx answer's status and JSON body. */
  private async call<T>(attempt: Attempt): Promise<{ status: number; body: T }> {
    for (let retry = 0; ; retry++) {
      let error: SwitchboardHttpError & { retryAfterMs?: number | undefined };
      try {
        return await this.once<T>(attempt);
      } catch (err) {
        if (!(err instanceof RateLimitError || err instanceof UnavailableError)) throw err;
        error = err;
      }
      if (retry >= this.retries) throw error;
      const delay = error.retryAfterMs ?? backoffDelay(retry, this.backoff);
      // Waiting past the deadline would only turn this error into a timeout later: give up now.
      if (Date.now() + delay >= attempt.deadline) throw error;
      await sleep(delay);
    }
  }

  private async once<T>(a: Attempt): Promise<{ status: number; body: T }> {
    const left = a.deadline - Date.now();
    if (left <= 0) {
      throw new TimeoutError(`No answer from ${this.baseUrl} in time.`, {
        status: 0,
        code: 'timeout',
        jobId: a.jobId,
      });
    }
    const headers: Record<string, string> = { accept: 'application/json', ...a.headers };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    if (a.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${a.path}`, {
        method: a.method,
        headers,
        ...(a.body !== undefined ? { body: JSON.stringify(a.body) } : {}),
        signal: AbortSignal.timeout(left),
      });
    } catch (err) {
      const name = (err as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new TimeoutError(`No answer from ${this.baseUrl}${a.path} within the time limit.`, {
          status: 0,
          code: 'timeout',
          jobId: a.jobId,
          cause: err,
        });
      }
      const reason = ((err as Error)?.cause as Error | undefined)?.message ?? (err as Error)?.message;
      throw new UnavailableError(`Cannot reach Switchboard at ${this.baseUrl}: ${reason}`, {
        status: 0,
        code: 'unreachable',
        jobId: a.jobId,
        cause: err,
      });
    }
    const text = await response.text();
    if (response.ok) {
      try {
        return { status: response.status, body: JSON.parse(text) as T };
      } catch (err) {
        throw new SwitchboardHttpError(
          `${a.method} ${a.path}: the server answered ${response.status} without JSON.`,
          {
            status: response.status,
            code: 'bad_response',
            cause: err,
          },
        );
      }
    }
    throw errorFor(response, text, a.jobId);
  }
}

function jobPath(id: string): string {
  return `/v1/jobs/${encodeURIComponent(id)}`;
}

function readError(text: string, status: number): ErrorBody {
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    if (typeof body.error === 'string') return { error: body.error, code: String(body.code ?? 'error') };
  } catch {
    // Not ours (a proxy's HTML page, say): fall through to a generic message.
  }
  const excerpt = text.trim().slice(0, 200);
  return { error: `HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`, code: `http_${status}` };
}

/** The typed error for a non-2xx answer. */
function errorFor(response: Response, text: string, jobId: string | undefined): SwitchboardHttpError {
  const { status } = response;
  const { error, code } = readError(text, status);
  const details = { status, code, jobId };
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  if (status === 401 || status === 403) return new AuthError(error, details);
  if (status === 404) return new NotFoundError(error, details);
  if (status === 409) return new ConflictError(error, details);
  if (status === 400 || status === 413 || status === 422) return new InvalidInputError(error, details);
  if (status === 429) return new RateLimitError(error, { ...details, retryAfterMs });
  if (status === 503) return new UnavailableError(error, { ...details, retryAfterMs });
  if (status === 504) return new TimeoutError(error, details);
  return new SwitchboardHttpError(error, details);
}

/** The error for a job that finished by failing, typed by its code. */
function jobFailure(job: Job): SwitchboardHttpError {
  const code = job.error?.code ?? 'inference_failed';
  const message = job.error?.message ?? `Job ${job.id} failed.`;
  // The statuses the server gives these codes when it answers them directly.
  if (code === 'unknown_model') return new NotFoundError(message, { status: 404, code, jobId: job.id });
  if (code === 'invalid_input') return new InvalidInputError(message, { status: 422, code, jobId: job.id });
  return new SwitchboardHttpError(message, { status: 500, code, jobId: job.id });
}
