import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Why a request was not queued: the `reason` label of the refusals counter. */
export type RefusalReason = 'invalid_text' | 'rate_limited' | 'unavailable' | 'failed';

/** What became of one delivery attempt: the `outcome` label of the delivery counters. */
export type DeliveryOutcome = 'delivered' | 'retry_later' | 'retry' | 'permanent';

/**
 * A channel's Prometheus metrics, in a registry of their own (several channels may run in one
 * process in tests), labelled with the channel's name and served on its `/metrics`.
 */
export class ChannelMetrics {
  /** The registry `/metrics` serves. */
  readonly registry = new Registry();
  private readonly requests: Counter<'channel'>;
  private readonly refusals: Counter<'channel' | 'reason'>;
  private readonly ack: Histogram<'channel'>;
  private readonly attempts: Counter<'channel' | 'outcome'>;
  private readonly failures: Counter<'channel' | 'outcome'>;
  private readonly answer: Histogram<'channel'>;

  constructor(private readonly channel: string) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'switchboard_channel_requests_total',
      help: 'Classification requests received from people, by channel.',
      labelNames: ['channel'],
      registers,
    });
    this.refusals = new Counter({
      name: 'switchboard_channel_refusals_total',
      help: 'Requests answered without being queued, by channel and reason (invalid_text, rate_limited, unavailable, failed).',
      labelNames: ['channel', 'reason'],
      registers,
    });
    this.ack = new Histogram({
      name: 'switchboard_channel_ack_seconds',
      help: 'From a request arriving to the person being told it was queued or refused, by channel.',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
      registers,
    });
    this.attempts = new Counter({
      name: 'switchboard_channel_delivery_attempts_total',
      help: 'Delivery attempts, by channel and outcome (delivered, retry_later, retry, permanent).',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    this.failures = new Counter({
      name: 'switchboard_channel_delivery_failures_total',
      help: 'Delivery attempts that did not deliver, by channel and outcome (retry_later, retry, permanent).',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    this.answer = new Histogram({
      name: 'switchboard_channel_answer_seconds',
      help: 'From the request being made to its answer being delivered to the person, by channel.',
      labelNames: ['channel'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900],
      registers,
    });
    // Node's default metrics keep their standard names (stock dashboards and alerts read them);
    // the service label tells the processes apart.
    collectDefaultMetrics({ register: this.registry, labels: { service: this.channel } });
  }

  /** One request arrived. */
  request(): void {
    this.requests.inc({ channel: this.channel });
  }

  /** A request was refused for `reason`. */
  refused(reason: RefusalReason): void {
    this.refusals.inc({ channel: this.channel, reason });
  }

  /** The person was answered `seconds` after the request arrived. */
  acknowledged(seconds: number): void {
    this.ack.observe({ channel: this.channel }, seconds);
  }

  /** One delivery attempt ended with `outcome`. */
  deliveryAttempt(outcome: DeliveryOutcome): void {
    this.attempts.inc({ channel: this.channel, outcome });
    if (outcome !== 'delivered') this.failures.inc({ channel: this.channel, outcome });
  }

  /** An answer reached the person `seconds` after the request was made. */
  answered(seconds: number): void {
    this.answer.observe({ channel: this.channel }, Math.max(0, seconds));
  }
}
