import { hostname } from 'node:os';
import type { RedisClient, WorkerAnnouncement } from '@switchboard/core';

export type { WorkerAnnouncement, WorkerRegistryView } from '@switchboard/core';

/** Seconds between heartbeats; an entry expires after three missed ones. */
export const HEARTBEAT_SECONDS = 5;

/** Redis key of one worker's heartbeat; the dashboard scans `<prefix>:workers:*`. */
export function heartbeatKey(prefix: string, id: string): string {
  return `${prefix}:workers:${id}`;
}

/**
 * Keeps a short-lived key per worker process in Redis with its host, models and last beat, so ops
 * can see which workers are alive and what they serve.
 */
export class WorkerHeartbeat {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly announce: () => WorkerAnnouncement,
  ) {}

  /** A unique id for this process. */
  static newId(index: number): string {
    return `${hostname()}-${process.pid}-${index}`;
  }

  /** Beats now and then every {@link HEARTBEAT_SECONDS}. */
  start(): void {
    this.beat();
    this.timer = setInterval(() => this.beat(), HEARTBEAT_SECONDS * 1_000);
    this.timer.unref();
  }

  /** Writes the announcement now (after a model reload, so that the change shows at once). */
  beat(): void {
    const announcement = this.announce();
    const value = JSON.stringify({ ...announcement, lastHeartbeat: Date.now() });
    this.redis
      .set(heartbeatKey(this.prefix, announcement.id), value, 'EX', HEARTBEAT_SECONDS * 3)
      .catch(() => {});
  }

  /** Stops beating and removes the key. Safe to call more than once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.redis.del(heartbeatKey(this.prefix, this.announce().id)).catch(() => {});
  }
}
