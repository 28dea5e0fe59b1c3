import { hostname } from 'node:os';
import type { RedisClient } from '@switchboard/core';

/** What a worker announces about itself every few seconds. */
export interface WorkerAnnouncement {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly models: readonly string[];
  readonly startedAt: number;
  readonly metricsPort: number;
  /**
   * Where the metrics server can be reached from other machines (pod IP, host address, or the
   * loopback address it is bound to); the dashboard's batch-size chart reads it there.
   */
  readonly metricsHost: string;
}

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
    private readonly announcement: WorkerAnnouncement,
  ) {}

  /** A unique id for this process. */
  static newId(index: number): string {
    return `${hostname()}-${process.pid}-${index}`;
  }

  /** Beats now and then every {@link HEARTBEAT_SECONDS}. */
  start(): void {
    const beat = () => {
      const value = JSON.stringify({ ...this.announcement, lastHeartbeat: Date.now() });
      this.redis
        .set(heartbeatKey(this.prefix, this.announcement.id), value, 'EX', HEARTBEAT_SECONDS * 3)
        .catch(() => {});
    };
    beat();
    this.timer = setInterval(beat, HEARTBEAT_SECONDS * 1_000);
    this.timer.unref();
  }

  /** Stops beating and removes the key. Safe to call more than once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.redis.del(heartbeatKey(this.prefix, this.announcement.id)).catch(() => {});
  }
}
