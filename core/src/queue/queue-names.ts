/** The queue every channel enqueues classification jobs on. */
export const CLASSIFY_QUEUE = 'classify';

/** Redis key prefix of Switchboard's queues; tests and tenants use their own. */
export const DEFAULT_QUEUE_PREFIX = 'switchboard';

/**
 * The delivery queue of an asynchronous channel. DESIGN.md writes it `deliver:slack`; BullMQ
 * forbids `:` in queue names (it separates Redis key parts), so the name is `deliver-slack`.
 */
export function deliveryQueueName(channel: string): string {
  return `deliver-${channel}`;
}
