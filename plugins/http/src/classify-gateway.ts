import {
  type ClassifyQueue,
  type ClassifyRequest,
  type ClassifyResult,
  type JobState,
  type JobView,
  markSecretFields,
  newClassifyRequest,
  SwitchboardError,
} from '@switchboard/core';
import { DepthReading } from './depth-reading.js';
import { HttpError } from './http-error.js';
import type { ModelDirectory } from './model-directory.js';
import type { QueueLink } from './queue-link.js';
import { requestIdOf } from './request-id.js';

/** Seconds a client is told to wait when the queue is over its depth limit. */
const QUEUE_FULL_RETRY_SECONDS = 2;

/** One classification asked of the API. */
export interface Submission {
  readonly texts: string[];
  readonly model: string;
  /** Name of the API key (or `local`); owns the job. */
  readonly caller: string;
  /** The client's `Idempotency-Key` header, when sent. */
  readonly idempotencyKey?: string | undefined;
  /** Wait for the result (up to the wait timeout) or answer at once. */
  readonly wait: boolean;
  /**
   * A checked callback URL: the job is answered at once and its result POSTed there (through the
   * `webhook` channel's delivery queue) instead of being waited for.
   */
  readonly callbackUrl?: string | undefined;
}

/** The channel of jobs whose result goes to a callback URL (`deliver-webhook`). */
export const WEBHOOK_CHANNEL = 'webhook';

/** Channels whose jobs the API serves at `GET /v1/jobs/{id}`. */
const API_CHANNELS = new Set(['http', WEBHOOK_CHANNEL]);

/** What became of a submission: its result, or an accepted job to poll. */
export type Outcome =
  | { readonly kind: 'done'; readonly result: ClassifyResult }
  | { readonly kind: 'accepted'; readonly id: string; readonly state: JobState };

/** Limits of {@link ClassifyGateway}. */
export interface GatewayLimits {
  /** Unfinished jobs at which new work is refused with 429. */
  readonly maxQueueDepth: number;
  /** How long a waiting request waits before it becomes a 202. */
  readonly waitTimeoutMs: number;
}

/**
 * Everything the routes ask of the queue: admission (model known, queue not overloaded),
 * idempotent enqueueing, bounded waiting, and job look-ups limited to the caller's own jobs.
 */
export class ClassifyGateway {
  private readonly reading: DepthReading;

  constructor(
    private readonly link: QueueLink,
    private readonly models: ModelDirectory,
    private readonly limits: GatewayLimits,
  ) {
    this.reading = new DepthReading(() => this.depth());
  }

  /** Enqueues (unless the idempotency key names a job already kept) and waits if asked. */
  async submit(s: Submission): Promise<Outcome> {
    const id = requestIdOf(s.idempotencyKey, s.caller);
    await this.models.require(s.model);
    const queue = this.link.get();
    const existing = s.idempotencyKey === undefined ? undefined : await queue.getJob(id);
    if (existing) {
      if (!sameWork(existing.request, s)) {
        throw new HttpError(
          422,
          'idempotency_conflict',
          'This Idempotency-Key was already used for a different request (other texts or model). Use a new key for new work.',
        );
      }
    } else {
      await this.admit();
      const request = newClassifyRequest({
        id,
        model: s.model,
        texts: s.texts,
        requester: { id: s.caller },
        ...(s.callbackUrl === undefined
          ? { channel: 'http', replyMode: 'wait' }
          : {
              channel: WEBHOOK_CHANNEL,
              replyMode: 'deliver',
              // Hook URLs often carry the receiver's token in the path: the dashboard hides it.
              replyTo: markSecretFields({ callbackUrl: s.callbackUrl }, ['callbackUrl']),
            }),
      });
      // Listening before the job exists spares the look-up a wait on an existing job needs. With
      // an idempotency key a concurrent twin may have added (and finished) the job first: the
      // look-up of wait() then finds its result.
      if (this.waits(s) && s.idempotencyKey === undefined) {
        return this.settle(queue, id, queue.enqueueAndWait(request, this.limits.waitTimeoutMs));
      }
      await queue.enqueue(request);
      if (!this.waits(s)) return this.accepted(id, 'waiting');
      return this.settle(queue, id, queue.wait(id, this.limits.waitTimeoutMs));
    }
    if (!this.waits(s)) return this.accepted(id, existing.state);
    return this.settle(queue, id, queue.wait(id, this.limits.waitTimeoutMs));
  }

  /** Whether the caller waits for the result: never with a callback URL (202 at once). */
  private waits(s: Submission): boolean {
    return s.callbackUrl === undefined && s.wait && this.limits.waitTimeoutMs > 0;
  }

  /** The result once it comes, or a 202 for the job when the wait runs out first. */
  private async settle(queue: ClassifyQueue, id: string, result: Promise<ClassifyResult>): Promise<Outcome> {
    try {
      return { kind: 'done', result: await result };
    } catch (err) {
      if (err instanceof SwitchboardError && err.code === 'timeout') {
        const view = await queue.getJob(id).catch(() => undefined);
        return this.accepted(id, view?.state ?? 'waiting');
      }
      throw err;
    }
  }

  /** A job of this caller; 404 for unknown ids and for other callers' (or channels') jobs. */
  async job(id: string, caller: string): Promise<JobView> {
    const view = await this.link.get().getJob(id);
    if (!view || !API_CHANNELS.has(view.request.channel) || view.request.requester.id !== caller) {
      throw new HttpError(
        404,
        'not_found',
        `No job with id ${id} for this API key. Finished jobs are kept for an hour; check the id.`,
      );
    }
    return view;
  }

  /** Unfinished jobs in the queue, read from Redis now. */
  depth(): Promise<number> {
    return this.link.get().depth();
  }

  private async admit(): Promise<void> {
    const depth = await this.reading.admit(this.limits.maxQueueDepth);
    if (depth !== undefined) {
      throw new HttpError(
        429,
        'queue_full',
        `The server is overloaded (${depth} jobs queued, limit ${this.limits.maxQueueDepth}); retry in ${QUEUE_FULL_RETRY_SECONDS} s.`,
        { 'Retry-After': String(QUEUE_FULL_RETRY_SECONDS) },
      );
    }
  }

  private accepted(id: string, state: JobState): Outcome {
    return { kind: 'accepted', id, state };
  }
}

function sameWork(request: ClassifyRequest, s: Submission): boolean {
  return (
    request.channel === (s.callbackUrl === undefined ? 'http' : WEBHOOK_CHANNEL) &&
    request.replyTo.callbackUrl === s.callbackUrl &&
    request.requester.id === s.caller &&
    request.model === s.model &&
    request.texts.length === s.texts.length &&
    request.texts.every((t, i) => t === s.texts[i])
  );
}

/** A job result as the API answers it (the contract's `v` and `finishedAt` left out). */
export function resultBody(r: ClassifyResult): {
  id: string;
  model: string;
  version: string;
  results: ClassifyResult['results'];
  queueMs: number;
  inferenceMs: number;
} {
  return {
    id: r.id,
    model: r.model,
    version: r.version,
    results: r.results,
    queueMs: r.queueMs,
    inferenceMs: r.inferenceMs,
  };
}
