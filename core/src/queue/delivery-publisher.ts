import { Queue } from 'bullmq';
import type { ClassifyRequest } from '../contracts/classify-request.js';
import type { Delivery } from '../contracts/delivery.js';
import { CONTRACT_VERSION } from '../contracts/limits.js';
import { type JobRetentionOptions, jobOptions } from './job-options.js';
import { DEFAULT_QUEUE_PREFIX, deliveryQueueName } from './queue-names.js';
import type { RedisClient } from './redis-connection.js';

/** Delivery retries: a chat platform may be down for minutes; ~17 minutes in all before giving up. */
export const DELIVERY_RETENTION: JobRetentionOptions = {
  attempts: 10,
  backoffMs: 1_000,
  completedAgeSeconds: 3_600,
};

/** Options of {@link DeliveryPublisher}. */
export interface DeliveryPublisherOptions {
  /** An open connection (shared with the worker's other producers). */
  connection: RedisClient;
  /** Key prefix. Default `switchboard`. */
  prefix?: string;
  /** Retries and retention of delivery jobs. Default {@link DELIVERY_RETENTION}. */
  retention?: JobRetentionOptions;
}

/**
 * Puts finished requests on their channel's durable delivery queue (`deliver-<channel>`), where
 * the channel's plugin finds them even if it was down when the job finished.
 */
export class DeliveryPublisher {
  private readonly options: DeliveryPublisherOptions;
  private readonly queues = new Map<string, Queue>();
  private closing: Promise<void> | undefined;

  constructor(options: DeliveryPublisherOptions) {
    this.options = options;
  }

  /** Publishes a delivery; its job id is the request id, so a re-run job does not post twice. */
  async publish(request: ClassifyRequest, outcome: Delivery['outcome']): Promise<void> {
    const delivery: Delivery = { v: CONTRACT_VERSION, request, outcome, replyTo: request.replyTo };
    await this.queueFor(request.channel).add(outcome.ok ? 'result' : 'error', delivery, {
      jobId: request.id,
    });
  }

  /** Closes the delivery queues. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= Promise.all([...this.queues.values()].map((q) => q.close())).then(() => undefined);
    return this.closing;
  }

  private queueFor(channel: string): Queue {
    let queue = this.queues.get(channel);
    if (!queue) {
      queue = new Queue(deliveryQueueName(channel), {
        connection: this.options.connection,
        prefix: this.options.prefix ?? DEFAULT_QUEUE_PREFIX,
        defaultJobOptions: jobOptions(this.options.retention ?? DELIVERY_RETENTION),
      });
      queue.on('error', () => {});
      this.queues.set(channel, queue);
    }
    return queue;
  }
}
