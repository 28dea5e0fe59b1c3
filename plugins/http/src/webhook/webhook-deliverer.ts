import {
  connectionFromUrl,
  DEFAULT_QUEUE_PREFIX,
  type Delivery,
  DeliverySchema,
  deliveryQueueName,
  redisOptions,
} from '@switchboard/core';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { WEBHOOK_CHANNEL } from '../classify-gateway.js';
import { jobBody } from '../job-body.js';
import { type CallbackPolicy, CallbackRefusedError } from './callback-policy.js';
import {
  type AttemptResult,
  decide,
  type RetryBounds,
  resultOfStatus,
  retryAfterMs,
} from './retry-decision.js';
import type { WebhookMetrics } from './webhook-metrics.js';
import type { WebhookSecrets } from './webhook-secrets.js';
import { SendTimeoutError, sendOnce } from './webhook-sender.js';

/** Largest body delivered; a bigger one fails at once rather than being retried for a day. */
export const MAX_WEBHOOK_BODY_BYTES = 1_048_576;

/** Options of {@link WebhookDeliverer}. */
export interface WebhookDelivererOptions {
  readonly redisUrl: string;
  readonly prefix?: string;
  readonly policy: CallbackPolicy;
  readonly secrets: WebhookSecrets;
  readonly bounds: RetryBounds;
  /** Longest wait for a receiver's answer, per attempt. */
  readonly timeoutMs: number;
  readonly metrics: WebhookMetrics;
  readonly log: Logger;
  /** Deliveries posted at once. Default 8. */
  readonly concurrency?: number;
}

/** A delivery job's data: the worker's {@link Delivery}, plus the tries made so far. */
type WebhookJobData = Delivery & { webhookAttempts?: number };

/**
 * Posts finished callback jobs (`deliver-webhook`) to their `callback_url`, signed per Standard
 * Webhooks. It schedules its own retries (a delayed job per retry, counted in the job's data)
 * because the schedule depends on each answer: `Retry-After` of one receiver must not slow the
 * others down, and it spans up to a day, far beyond the queue's generic delivery backoff.
 */
export class WebhookDeliverer {
  private readonly worker: Worker;
  private readonly options: WebhookDelivererOptions;
  private closing: Promise<void> | undefined;
  private connected = false;

  constructor(options: WebhookDelivererOptions) {
    this.options = options;
    this.worker = new Worker(deliveryQueueName(WEBHOOK_CHANNEL), (job, token) => this.process(job, token), {
      connection: { ...redisOptions('consumer'), ...connectionFromUrl(options.redisUrl) },
      prefix: options.prefix ?? DEFAULT_QUEUE_PREFIX,
      concurrency: options.concurrency ?? 8,
      // An attempt may take the whole send timeout: keep the lock well beyond it.
      lockDuration: Math.max(30_000, options.timeoutMs * 3),
      autorun: false,
    });
    this.worker.on('error', () => {});
  }

  /** Starts consuming (resolves once connected). */
  async start(): Promise<void> {
    void this.worker.run();
    await this.worker.waitUntilReady();
    this.connected = true;
  }

  /**
   * Stops taking deliveries and waits for those in flight. While Redis is unreachable (or was never
   * reached) it closes at once: a graceful close would wait for Redis, and deliveries not
   * acknowledged return to the queue when their lock expires. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      // BullMQ's client promise waits for a first connection: do not ask for it when there was none.
      const client = this.connected ? await this.worker.client.catch(() => undefined) : undefined;
      await this.worker.close(client?.status !== 'ready');
    })();
    return this.closing;
  }

  private async process(job: Job, token: string | undefined): Promise<void> {
    const { metrics, log } = this.options;
    const parsed = DeliverySchema.safeParse(job.data);
    const callbackUrl = parsed.data?.replyTo.callbackUrl;
    if (!parsed.success || typeof callbackUrl !== 'string') {
      metrics.deliveries.inc({ outcome: 'malformed' });
      throw new UnrecoverableError('malformed webhook delivery');
    }
    const delivery = parsed.data;
    const { request } = delivery;
    const attempt = ((job.data as WebhookJobData).webhookAttempts ?? 0) + 1;
    const signer = this.options.secrets.signerFor(request.requester.id);
    if (!signer) {
      metrics.deliveries.inc({ outcome: 'refused' });
      throw new UnrecoverableError(`no webhook secret is configured for API key ${request.requester.id}`);
    }
    const body = JSON.stringify(
      jobBody({
        id: request.id,
        state: delivery.outcome.ok ? 'completed' : 'failed',
        request,
        result: delivery.outcome.ok ? delivery.outcome.result : undefined,
        error: delivery.outcome.ok ? undefined : delivery.outcome.error,
      }),
    );
    if (Buffer.byteLength(body) > MAX_WEBHOOK_BODY_BYTES) {
      metrics.deliveries.inc({ outcome: 'too_large' });
      throw new UnrecoverableError(`the body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes`);
    }

    const { result, retryAfter } = await this.attempt(callbackUrl, request.id, body, signer);
    metrics.attempts.inc({ result });
    const decision = decide(result, retryAfter, attempt, request.createdAt, this.options.bounds);
    // The URL may carry a token of the receiver's in its path or query: log the origin only.
    const where = { job: request.id, origin: safeOrigin(callbackUrl), attempt, result };
    if (decision.kind === 'delivered') {
      metrics.deliveries.inc({ outcome: 'delivered' });
      log.debug(where, 'webhook delivered');
      return;
    }
    if (decision.kind === 'retry') {
      log.info({ ...where, retryInMs: decision.delayMs }, 'webhook delivery failed; retrying');
      await job.updateData({ ...(job.data as WebhookJobData), webhookAttempts: attempt });
      await job.moveToDelayed(Date.now() + decision.delayMs, token);
      throw new DelayedError();
    }
    metrics.deliveries.inc({ outcome: decision.outcome });
    log.warn({ ...where, outcome: decision.outcome }, `webhook delivery given up: ${decision.reason}`);
    throw new UnrecoverableError(decision.reason);
  }

  /** One signed POST; never throws, it says what happened. */
  private async attempt(
    callbackUrl: string,
    id: string,
    body: string,
    signer: { sign(id: string, at: Date, body: string): string },
  ): Promise<{ result: AttemptResult; retryAfter: number | undefined }> {
    let target: Awaited<ReturnType<CallbackPolicy['check']>>;
    try {
      target = await this.options.policy.check(callbackUrl);
    } catch (err) {
      if (err instanceof CallbackRefusedError && err.transient)
        return { result: 'connection_error', retryAfter: undefined };
      return { result: 'refused', retryAfter: undefined };
    }
    // Each try is signed anew: receivers refuse timestamps more than 5 minutes old.
    const at = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Switchboard-Webhooks/1',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1_000)),
      'webhook-signature': signer.sign(id, at, body),
    };
    try {
      const answer = await sendOnce({ ...target, headers, body, timeoutMs: this.options.timeoutMs });
      return { result: resultOfStatus(answer.status), retryAfter: retryAfterMs(answer.retryAfter) };
    } catch (err) {
      return {
        result: err instanceof SendTimeoutError ? 'timeout' : 'connection_error',
        retryAfter: undefined,
      };
    }
  }
}

function safeOrigin(raw: string): string {
  try {
    return new URL(raw).origin;
  } catch {
    return 'invalid';
  }
}
