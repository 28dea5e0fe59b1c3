import {
  AuthError,
  InvalidInputError,
  NotFoundError,
  RateLimitError,
  SwitchboardClient,
  SwitchboardHttpError,
  TimeoutError,
  UnavailableError,
} from '@switchboard/client';
import { InputError, SwitchboardError, UnknownModelError } from '@switchboard/core';
import type { ClassifiedBatch, ClassifyBackend } from './classify-backend.js';
import { classifyInChunks } from './classify-in-chunks.js';

/** Texts per HTTP request: the server's limit. */
const TEXTS_PER_REQUEST = 64;

/** Requests one CLI call keeps in flight, so that the workers can batch them together. */
const IN_FLIGHT = 8;

/** Where `--server` sends requests. */
export interface ServerTarget {
  /** `--server URL`. */
  readonly url: string;
  /** `--api-key KEY`, else `SWITCHBOARD_API_KEY`; none for a server in local-development mode. */
  readonly apiKey?: string | undefined;
  /** Longest wait for one request's result, in ms. */
  readonly timeoutMs: number;
}

/**
 * A client for `--server`. A malformed URL is the caller's mistake (exit 2).
 * @throws InputError naming `--server`
 */
export function serverClient(target: ServerTarget): SwitchboardClient {
  try {
    return new SwitchboardClient({ baseUrl: target.url, apiKey: target.apiKey, timeoutMs: target.timeoutMs });
  } catch (err) {
    throw new InputError(`--server: ${(err as Error).message}`, 'server');
  }
}

/**
 * The client's errors as the CLI's own, so that they get its exit codes: a refused key, bad input
 * or unknown model exit 2, an unreachable, overloaded or slow server exits 4, anything else 1.
 */
export function fromClientError(err: unknown, url: string): unknown {
  if (!(err instanceof SwitchboardHttpError)) return err;
  if (err instanceof AuthError) {
    return new SwitchboardError(
      'invalid_input',
      `The server at ${url} refused the API key: ${err.message} Give the key with --api-key or SWITCHBOARD_API_KEY.`,
    );
  }
  if (err instanceof NotFoundError)
    return new SwitchboardError(err.code === 'unknown_model' ? 'unknown_model' : 'not_found', err.message);
  if (err instanceof InvalidInputError) return new SwitchboardError('invalid_input', err.message);
  if (err instanceof TimeoutError) {
    const job = err.jobId ? ` (job ${err.jobId} may still finish)` : '';
    return new SwitchboardError('timeout', `${err.message}${job} Raise --timeout, or check the workers.`);
  }
  if (err instanceof RateLimitError || err instanceof UnavailableError) {
    return new SwitchboardError('queue_unavailable', `${err.message} (server ${url})`);
  }
  return new SwitchboardError(
    'inference_failed',
    `The server at ${url} answered ${err.status}: ${err.message}`,
  );
}

/**
 * Classifies through a Switchboard HTTP server (`switchboard classify --server URL`): 64 texts per
 * request, several requests in flight, with the client's retries on 429 and 503.
 */
export class ServerBackend implements ClassifyBackend {
  private readonly client: SwitchboardClient;
  private readonly url: string;
  private readonly model: string;

  constructor(target: ServerTarget, model: string) {
    this.client = serverClient(target);
    this.url = target.url;
    this.model = model;
  }

  async check(): Promise<void> {
    // Asks the server, so an unknown model, a wrong key or a dead server show before input is read.
    const { models } = await this.call(() => this.client.models());
    const names = models.map((m) => m.name);
    if (!names.includes(this.model)) throw new UnknownModelError(this.model, names);
  }

  classify(texts: readonly string[]): Promise<ClassifiedBatch> {
    return classifyInChunks(this.model, texts, TEXTS_PER_REQUEST, IN_FLIGHT, (chunk) =>
      this.call(() => this.client.classify(chunk, { model: this.model })),
    );
  }

  async close(): Promise<void> {
    // Nothing is held open: every request uses fetch's own connection pool.
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw fromClientError(err, this.url);
    }
  }
}
