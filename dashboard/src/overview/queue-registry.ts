import { CLASSIFY_QUEUE } from '@switchboard/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { findDeliveryQueues } from './queue-discovery.js';

/**
 * The BullMQ queues the dashboard watches: `classify` always, and every `deliver-<channel>` queue
 * found under the prefix (channels come and go with plugins, so the list is refreshed). All share
 * the dashboard's one Redis connection.
 */
export class QueueRegistry {
  private readonly queues = new Map<string, Queue>();
  private readonly listeners: ((queue: Queue) => void)[] = [];
  private closing: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    /** Key prefix of the queues. */
    readonly prefix: string,
  ) {
    this.add(CLASSIFY_QUEUE);
  }

  /** Queue names in display order: `classify` first, then delivery queues by name. */
  get names(): string[] {
    return [...this.queues.keys()];
  }

  /** The queue of that name, if the dashboard knows it. */
  get(name: string): Queue | undefined {
    return this.queues.get(name);
  }

  /** Every known queue, in display order. */
  all(): Queue[] {
    return [...this.queues.values()];
  }

  /** Calls `listener` for every queue known now and every one found later. */
  onQueue(listener: (queue: Queue) => void): void {
    this.listeners.push(listener);
    for (const q of this.queues.values()) listener(q);
  }

  /** Looks for delivery queues that appeared since the last call. */
  async refresh(): Promise<void> {
    for (const name of await findDeliveryQueues(this.redis, this.prefix)) this.add(name);
  }

  /** Closes the queue objects (not the shared connection). Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= Promise.all(this.all().map((q) => q.close().catch(() => {}))).then(() => undefined);
    return this.closing;
  }

  private add(name: string): void {
    if (this.queues.has(name)) return;
    const queue = new Queue(name, { connection: this.redis, prefix: this.prefix });
    // Connection errors surface through the shared connection's status; a listener keeps Node alive.
    queue.on('error', () => {});
    this.queues.set(name, queue);
    const sorted = [...this.queues.entries()].sort(([a], [b]) =>
      a === CLASSIFY_QUEUE ? -1 : b === CLASSIFY_QUEUE ? 1 : a.localeCompare(b),
    );
    this.queues.clear();
    for (const [n, q] of sorted) this.queues.set(n, q);
    for (const listener of this.listeners) listener(queue);
  }
}
