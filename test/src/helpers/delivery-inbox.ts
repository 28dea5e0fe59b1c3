import { type Delivery, DeliveryConsumer } from '@switchboard/core';

/** What the inbox's handler does with one delivery; throwing makes the consumer retry it. */
export type DeliveryReaction = (delivery: Delivery, attempt: number) => void | Promise<void>;

/** One call of the handler, as recorded by {@link DeliveryInbox}. */
export interface DeliveryCall {
  readonly delivery: Delivery;
  readonly attempt: number;
  readonly at: number;
}

/**
 * A {@link DeliveryConsumer} for one channel that records every delivery it is handed, so a test
 * can wait for the delivery of a given request id (as a channel plugin would receive it).
 */
export class DeliveryInbox {
  readonly calls: DeliveryCall[] = [];
  private readonly consumer: DeliveryConsumer;
  private readonly waiters = new Map<string, Array<(delivery: Delivery) => void>>();
  private readonly received = new Map<string, Delivery>();

  constructor(options: { redisUrl: string; prefix: string; channel: string; react?: DeliveryReaction }) {
    this.consumer = new DeliveryConsumer({
      redisUrl: options.redisUrl,
      prefix: options.prefix,
      channel: options.channel,
      handler: async (delivery, attempt) => {
        this.calls.push({ delivery, attempt, at: Date.now() });
        await options.react?.(delivery, attempt);
        const id = delivery.request.id;
        this.received.set(id, delivery);
        for (const resolve of this.waiters.get(id) ?? []) resolve(delivery);
        this.waiters.delete(id);
      },
    });
  }

  /** Starts consuming. */
  start(): Promise<void> {
    return this.consumer.start();
  }

  /** Resolves with the delivery of request `id` once the handler has accepted it. */
  delivery(id: string, timeoutMs = 20_000): Promise<Delivery> {
    const done = this.received.get(id);
    if (done) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no delivery for request ${id} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const list = this.waiters.get(id) ?? [];
      list.push((delivery) => {
        clearTimeout(timer);
        resolve(delivery);
      });
      this.waiters.set(id, list);
    });
  }

  /** Handler calls for request `id`, in order. */
  callsFor(id: string): DeliveryCall[] {
    return this.calls.filter((c) => c.delivery.request.id === id);
  }

  /** Stops consuming. */
  close(): Promise<void> {
    return this.consumer.close();
  }
}
