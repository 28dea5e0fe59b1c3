import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type ClassifyRequest,
  type Delivery,
  DeliveryConsumer,
  describeIssue,
  InputError,
  markSecretFields,
  newClassifyRequest,
  PermanentDeliveryError,
  parseClassifyRequest,
  RetryLaterError,
  redisOptions,
  requestIdFor,
  SwitchboardError,
} from '@switchboard/core';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChannelAdapter, ChannelIngress, IngressInfo } from './channel-adapter.js';
import { ChannelMetrics, type DeliveryOutcome, type RefusalReason } from './channel-metrics.js';
import { OpsServer, opsRoutes } from './ops-routes.js';
import { PersonRateLimiter } from './person-rate-limiter.js';
import { QueueLink } from './queue-link.js';
import {
  FAILED_MESSAGE,
  invalidTextMessage,
  type Refusal,
  rateLimitedMessage,
  UNAVAILABLE_MESSAGE,
} from './refusal.js';
import { settledWithin } from './settled-within.js';

/** Options of {@link ChannelRuntime}. */
export interface ChannelRuntimeOptions {
  /** Redis URL of the job queue. */
  readonly redisUrl: string;
  /** Queue key prefix. */
  readonly prefix: string;
  /** Classifications one person may ask for per minute, shared by every copy of the service. */
  readonly userRateLimit: number;
  /** The logger (see createChannelLogger): it must redact the reply target's secret fields. */
  readonly log: Logger;
  /**
   * How long the platform waits for an acknowledgement, minus a margin: a request not queued by
   * then is answered "temporarily unavailable". Default 2,500 ms (Slack and Discord allow 3 s).
   */
  readonly ackDeadlineMs?: number;
  /** Deliveries posted at once. Default 4. */
  readonly deliveryConcurrency?: number;
  /** Serve `/healthz`, `/readyz` and `/metrics` on this port (0 picks one); unset serves none. */
  readonly healthPort?: number;
  /** The address of that port. */
  readonly healthHost?: string;
}

/** One thing a person (or the platform, for automatic checks) asked to have classified. */
export interface ChannelAsk<Target> {
  /**
   * Identifies the platform event (Slack trigger id, Discord interaction id...): a retried
   * event gets the same job id and is classified once.
   */
  readonly eventKey: readonly (string | number)[];
  readonly model: string;
  readonly text: string;
  /** Who asked: `id` is unique within the channel and is what the rate limit counts. */
  readonly requester: { readonly id: string; readonly name?: string };
  /** Where the answer goes. */
  readonly replyTo: Target;
  /**
   * Count against the person's rate limit. Default true; false for a platform's retry of an
   * event already counted, and for automatic work nobody typed (watched channels).
   */
  readonly rateLimited?: boolean;
  /** When the platform event arrived (ms since the epoch), for the acknowledgement latency. Default now. */
  readonly receivedAt?: number;
}

/** An ask that passed {@link ChannelRuntime.prepare}: its request, ready to enqueue. */
export interface PreparedAsk {
  readonly queued: undefined;
  readonly request: ClassifyRequest;
  readonly receivedAt: number;
}

/** What became of an ask: queued under `id`, or refused with a sentence for the person. */
export type SubmitOutcome = { readonly queued: true; readonly id: string } | Refusal;

/** How long start-up (and a close before Redis was ever reached) waits for the delivery consumer. */
const CONSUMER_START_WAIT_MS = 3_000;

/**
 * Everything that is the same for every channel: the Redis link that keeps the service up while
 * Redis is down, enqueueing within the acknowledgement deadline with ids derived from the platform
 * event, validation through the core's request parser, the per-person rate limit, the delivery
 * consumer, the work in flight, `/healthz` `/readyz` `/metrics` and the channel's metrics.
 * A channel adapter supplies its ingress, rendering and delivery calls.
 */
export class ChannelRuntime<Target extends Record<string, unknown>> {
  /** The channel's name. */
  readonly channel: string;
  /** The channel's logger. */
  readonly log: Logger;
  /** The channel's metrics. */
  readonly metrics: ChannelMetrics;
  /** A producer connection for small shared state (rate limits, ledgers): fails fast while Redis is down. */
  readonly redis: Redis;
  /** The per-person limit, per minute. */
  readonly userRateLimit: number;
  /** See {@link ChannelRuntimeOptions.ackDeadlineMs}. */
  readonly ackDeadlineMs: number;
  private readonly adapter: ChannelAdapter<Target, unknown>;
  private readonly options: ChannelRuntimeOptions;
  private readonly queue: QueueLink;
  private readonly limiter: PersonRateLimiter;
  private readonly consumer: DeliveryConsumer;
  private readonly inFlight = new Set<Promise<void>>();
  private ingress: ChannelIngress | undefined;
  private ops: OpsServer | undefined;
  private started = false;
  private consuming = false;
  private closing: Promise<void> | undefined;

  constructor(adapter: ChannelAdapter<Target, unknown>, options: ChannelRuntimeOptions) {
    this.adapter = adapter;
    this.options = options;
    this.channel = adapter.name;
    this.log = options.log;
    this.userRateLimit = options.userRateLimit;
    this.ackDeadlineMs = options.ackDeadlineMs ?? 2_500;
    this.metrics = new ChannelMetrics(adapter.name);
    this.redis = new Redis(options.redisUrl, redisOptions('producer'));
    // ioredis emits 'error' on every failed reconnect; without a listener Node would crash.
    this.redis.on('error', () => {});
    this.queue = new QueueLink({ redisUrl: options.redisUrl, prefix: options.prefix }, options.log);
    this.limiter = new PersonRateLimiter(this.redis, {
      prefix: options.prefix,
      channel: adapter.name,
      perMinute: options.userRateLimit,
    });
    this.consumer = new DeliveryConsumer({
      redisUrl: options.redisUrl,
      channel: adapter.name,
      prefix: options.prefix,
      ...(options.deliveryConcurrency ? { concurrency: options.deliveryConcurrency } : {}),
      handler: (delivery, attempt) => this.deliver(delivery, attempt),
      onFailed: (delivery, error) =>
        this.log.error({ id: delivery?.request.id, err: error.message }, 'delivery failed for good'),
    });
  }

  /** `/healthz`, `/readyz` and `/metrics` for a platform receiver that already listens (Bolt). */
  readonly opsRoutes: (req: IncomingMessage, res: ServerResponse) => boolean = (req, res) =>
    opsRoutes(this.metrics.registry, () => this.notReady())(req, res);

  /**
   * Connects to Redis (once; it keeps trying in the background), starts the ingress, the
   * delivery consumer and the health port. With Redis down the service still starts: requests are
   * answered "temporarily unavailable" and everything connects by itself once Redis is back.
   * @throws what the ingress throws (a refused token, a port in use)
   */
  async start(): Promise<IngressInfo & { healthUrl?: string }> {
    if (this.closing) throw new Error(`${this.channel} runtime was closed; create a new one`);
    await this.queue.start();
    if (this.options.healthPort !== undefined) {
      this.ops = await OpsServer.listen(this.opsRoutes, this.options.healthPort, this.options.healthHost);
    }
    this.ingress = this.adapter.ingress(this);
    const info = await this.ingress.start();
    this.started = true;
    await this.startConsumer();
    this.log.info({ url: info.url, prefix: this.options.prefix, health: this.ops?.url }, 'channel ready');
    return { ...info, ...(this.ops ? { healthUrl: this.ops.url } : {}) };
  }

  /** Where `/healthz`, `/readyz` and `/metrics` are served, when the runtime opened a port for them. */
  get healthUrl(): string | undefined {
    return this.ops?.url;
  }

  /** True while requests can be queued. */
  get ready(): boolean {
    return this.notReady() === undefined;
  }

  /**
   * Validates, rate-limits and enqueues one ask as a `deliver` job whose id comes from the
   * platform event. Never throws, and settles within the acknowledgement deadline: every outcome
   * is either "queued" or a refusal with the one sentence every channel uses.
   */
  async submit(ask: ChannelAsk<Target>): Promise<SubmitOutcome> {
    const prepared = await this.prepare(ask);
    return prepared.queued === false ? prepared : this.enqueue(prepared);
  }

  /**
   * The first half of {@link submit}, for platforms that must acknowledge before the job exists
   * (Discord defers its reply, and the delivery edits that reply): validates the text with the
   * core's parser, counts the person's rate limit and checks that the queue is reachable.
   * Never throws.
   */
  async prepare(ask: ChannelAsk<Target>): Promise<PreparedAsk | Refusal> {
    const receivedAt = ask.receivedAt ?? Date.now();
    this.metrics.request();
    const outcome = await this.guard(this.check(ask, receivedAt));
    if (outcome.queued === false) this.refused(outcome, receivedAt);
    return outcome;
  }

  /** The second half of {@link submit}: enqueues a prepared ask within the deadline. Never throws. */
  async enqueue(prepared: PreparedAsk): Promise<SubmitOutcome> {
    const outcome = await this.guard(this.add(prepared));
    if (outcome.queued) this.metrics.acknowledged((Date.now() - prepared.receivedAt) / 1_000);
    else this.refused(outcome, prepared.receivedAt);
    return outcome;
  }

  /**
   * `work`, or `late()` once the acknowledgement deadline has passed: for ingress steps that come
   * before {@link submit} (reading the model list) and must not make the platform wait either.
   */
  async answerWithin<T>(work: Promise<T>, late: () => T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(late()), this.ackDeadlineMs);
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Keeps `work` (an ingress handler) in flight until it settles: {@link close} waits for it. */
  track(work: Promise<unknown>, kind: string): void {
    const tracked = work.then(
      () => undefined,
      (err: Error) => this.log.error({ err: err?.message, kind }, 'event handling failed'),
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  /**
   * Stops the ingress, lets the handlers and the deliveries in flight finish, and closes the
   * connections. Deliveries still queued wait in Redis for the next start. Safe to call twice.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.ingress) {
        await this.ingress.stop().catch((err: Error) => this.log.warn({ err: err.message }, 'stop'));
      }
      await Promise.allSettled([...this.inFlight]);
      if (this.consuming) await this.consumer.close();
      else await settledWithin(this.consumer.close(), CONSUMER_START_WAIT_MS);
      await this.queue.close();
      this.redis.disconnect();
      await this.ops?.close();
    })();
    return this.closing;
  }

  private notReady(): string | undefined {
    if (this.closing) return 'stopping';
    if (!this.started) return 'starting';
    if (!this.queue.connected) return 'job queue (Redis) not reachable';
    return undefined;
  }

  private guard<T>(work: Promise<T | Refusal>): Promise<T | Refusal> {
    return this.answerWithin<T | Refusal>(work, () => {
      this.log.warn({ deadlineMs: this.ackDeadlineMs }, 'request not queued in time');
      return this.refusal('unavailable', UNAVAILABLE_MESSAGE);
    }).catch((err: Error) => {
      this.log.error({ err: err.message }, 'request could not be queued');
      return this.refusal('failed', FAILED_MESSAGE);
    });
  }

  private refused(refusal: Refusal, receivedAt: number): void {
    this.metrics.refused(refusal.reason);
    this.metrics.acknowledged((Date.now() - receivedAt) / 1_000);
  }

  private async check(ask: ChannelAsk<Target>, receivedAt: number): Promise<PreparedAsk | Refusal> {
    const request = newClassifyRequest({
      id: requestIdFor(this.channel, ...ask.eventKey),
      model: ask.model,
      texts: [ask.text],
      channel: this.channel,
      requester: ask.requester,
      replyMode: 'deliver',
      replyTo: markSecretFields(ask.replyTo, this.adapter.replyTarget.secretFields),
    });
    try {
      parseClassifyRequest(request);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      this.log.info({ field: err.field, model: ask.model }, 'request refused');
      return this.refusal('invalid_text', invalidTextMessage(err.field, err.message), { field: err.field });
    }
    if (!this.queue.connected) {
      this.log.warn('job queue unavailable');
      return this.refusal('unavailable', UNAVAILABLE_MESSAGE);
    }
    if (ask.rateLimited !== false) {
      const decision = await this.limiter.consume(ask.requester.id);
      if (!decision.allowed) {
        this.log.info({ user: ask.requester.id }, 'rate limited');
        return this.refusal('rate_limited', rateLimitedMessage(this.userRateLimit, decision.retryInSeconds), {
          retryInSeconds: decision.retryInSeconds,
        });
      }
    }
    return { queued: undefined, request, receivedAt };
  }

  private async add(prepared: PreparedAsk): Promise<SubmitOutcome> {
    try {
      const id = await this.queue.enqueue(prepared.request, this.ackDeadlineMs);
      this.log.info({ id, model: prepared.request.model }, 'queued');
      return { queued: true, id };
    } catch (err) {
      if (err instanceof SwitchboardError && err.code === 'queue_unavailable') {
        this.log.warn({ err: err.message }, 'job queue unavailable');
        return this.refusal('unavailable', UNAVAILABLE_MESSAGE);
      }
      throw err;
    }
  }

  private refusal(
    reason: RefusalReason,
    message: string,
    extra: { field?: string | undefined; retryInSeconds?: number } = {},
  ): Refusal {
    return {
      queued: false,
      reason,
      message,
      ...(extra.field ? { field: extra.field } : {}),
      ...(extra.retryInSeconds !== undefined ? { retryInSeconds: extra.retryInSeconds } : {}),
    };
  }

  private async deliver(delivery: Delivery, attempt: number): Promise<void> {
    const parsed = this.adapter.replyTarget.schema.safeParse(delivery.replyTo);
    if (!parsed.success) {
      this.metrics.deliveryAttempt('permanent');
      const { field, message } = describeIssue(parsed.error);
      throw new PermanentDeliveryError(`malformed ${this.channel} reply target: ${field} ${message}`.trim());
    }
    const target = parsed.data;
    const { request, outcome } = delivery;
    const { render } = this.adapter;
    try {
      const message = outcome.ok
        ? render.result(request, outcome.result, target)
        : render.failure(request, outcome.error, target);
      await this.adapter.deliver(message, { request, outcome, target, attempt });
    } catch (err) {
      this.metrics.deliveryAttempt(outcomeOf(err));
      throw err;
    }
    this.metrics.deliveryAttempt('delivered');
    this.metrics.answered((Date.now() - request.createdAt) / 1_000);
  }

  private async startConsumer(): Promise<void> {
    const started = this.consumer.start().then(() => {
      this.consuming = true;
    });
    started.catch((err: Error) => this.log.error({ err: err.message }, 'delivery consumer failed to start'));
    if (!(await settledWithin(started, CONSUMER_START_WAIT_MS))) {
      this.log.warn('Redis not reachable: deliveries will start once it is');
      void started.then(() => this.log.info('delivery consumer connected'));
    }
  }
}

function outcomeOf(err: unknown): DeliveryOutcome {
  if (err instanceof RetryLaterError) return 'retry_later';
  if (err instanceof PermanentDeliveryError) return 'permanent';
  return 'retry';
}
