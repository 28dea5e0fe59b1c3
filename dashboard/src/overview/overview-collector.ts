import { CLASSIFY_QUEUE, redactRedisUrl } from '@switchboard/core';
import type { Redis } from 'ioredis';
import { type BatchSizeReport, scrapeBatchSizes } from './batch-size-scraper.js';
import { type JobStatistics, jobStatistics } from './job-statistics.js';
import { failureRates, minuteSeries, minuteStarts } from './minute-series.js';
import { type ModelRegistryView, modelRegistryView } from './model-registry.js';
import type { QueueRegistry } from './queue-registry.js';
import { RecentJobs } from './recent-jobs.js';
import { type RedisMemory, redisMemory } from './redis-memory.js';
import { listWorkers, type WorkerEntry } from './worker-directory.js';

/** Job counts of one queue. */
export interface QueueStatus {
  readonly name: string;
  readonly paused: boolean;
  readonly counts: {
    readonly waiting: number;
    readonly active: number;
    readonly delayed: number;
    readonly failed: number;
    readonly completed: number;
  };
}

/** Per-minute finished jobs of the classify queue. */
export interface Throughput {
  readonly queue: string;
  /** Start of each minute, Unix seconds, oldest first. */
  readonly minutes: readonly number[];
  readonly completed: readonly number[];
  readonly failed: readonly number[];
  /** failed / (completed + failed); `null` for minutes where nothing finished. */
  readonly failureRate: readonly (number | null)[];
}

/** Everything the overview page shows, as served by `GET /api/overview`. */
export interface OverviewSnapshot {
  readonly generatedAt: number;
  readonly prefix: string;
  readonly redis: {
    readonly url: string;
    /** ioredis connection status: `ready` when usable. */
    readonly status: string;
    readonly memory: RedisMemory | null;
    readonly connectedClients: number | null;
  };
  readonly queues: readonly QueueStatus[];
  readonly throughput: Throughput | null;
  readonly jobs: (JobStatistics & { readonly sampleSize: number }) | null;
  readonly batchSizes: BatchSizeReport | null;
  readonly workers: readonly WorkerEntry[];
  /** Models and versions as the workers serve them (from their heartbeats). */
  readonly models: ModelRegistryView;
  /** What could not be read this time, in words. */
  readonly problems: readonly string[];
}

/** Tunables of {@link OverviewCollector}. */
export interface OverviewCollectorOptions {
  /** Recent finished jobs read for latency and volumes (per state). */
  readonly sampleSize: number;
  /** Minutes on the throughput charts. Default 60. */
  readonly minutes?: number;
  /** A snapshot younger than this is served again. Default 1,000 ms. */
  readonly maxAgeMs?: number;
  /** Workers' `/metrics` are read at most this often. Default 5,000 ms. */
  readonly scrapeEveryMs?: number;
  /** Worker heartbeats are read at most this often (they beat every 5 s). Default 3,000 ms. */
  readonly workersEveryMs?: number;
  /** New delivery queues are looked for at most this often. Default 10,000 ms. */
  readonly discoverEveryMs?: number;
}

const message = (err: unknown) => (err as Error)?.message ?? String(err);

/**
 * Builds overview snapshots from Redis (BullMQ's keys, worker heartbeats, `INFO`) and the workers'
 * `/metrics`. Every viewer's poll shares one snapshot per second, so ten open tabs cost Redis no
 * more than one. A part that fails is reported in `problems` and the rest is still shown.
 */
export class OverviewCollector {
  private readonly recent: RecentJobs;
  private readonly minutes: number;
  private readonly maxAgeMs: number;
  private readonly scrapeEveryMs: number;
  private readonly discoverEveryMs: number;
  private readonly workersEveryMs: number;
  private heartbeats: { at: number; workers: Promise<WorkerEntry[]> } | undefined;
  private current: { at: number; snapshot: Promise<OverviewSnapshot> } | undefined;
  private scraped: { at: number; report: Promise<BatchSizeReport> } | undefined;
  private discoveredAt = 0;

  constructor(
    private readonly redis: Redis,
    private readonly redisUrl: string,
    private readonly registry: QueueRegistry,
    options: OverviewCollectorOptions,
  ) {
    this.recent = new RecentJobs(redis, registry.prefix, CLASSIFY_QUEUE, options.sampleSize);
    this.minutes = options.minutes ?? 60;
    this.maxAgeMs = options.maxAgeMs ?? 1_000;
    this.scrapeEveryMs = options.scrapeEveryMs ?? 5_000;
    this.discoverEveryMs = options.discoverEveryMs ?? 10_000;
    this.workersEveryMs = options.workersEveryMs ?? 3_000;
  }

  /** The latest snapshot, rebuilt when older than `maxAgeMs`. */
  snapshot(): Promise<OverviewSnapshot> {
    const now = Date.now();
    if (!this.current || now - this.current.at >= this.maxAgeMs) {
      this.current = { at: now, snapshot: this.build(now) };
    }
    return this.current.snapshot;
  }

  /** Forgets the cached snapshot, so the next read shows the effect of an action at once. */
  invalidate(): void {
    this.current = undefined;
  }

  private async build(now: number): Promise<OverviewSnapshot> {
    const problems: string[] = [];
    const attempt = async <T>(what: string, f: () => Promise<T>): Promise<T | null> => {
      try {
        return await f();
      } catch (err) {
        problems.push(`${what}: ${message(err)}`);
        return null;
      }
    };
    if (this.redis.status !== 'ready') {
      problems.push(
        `Redis at ${redactRedisUrl(this.redisUrl)} is not connected (${this.redis.status}); retrying in the background.`,
      );
      return this.empty(now, problems);
    }
    if (now - this.discoveredAt >= this.discoverEveryMs) {
      this.discoveredAt = now;
      await attempt('finding delivery queues', () => this.registry.refresh());
    }
    const [queues, throughput, jobs, workers, info] = await Promise.all([
      attempt('queue counts', () => this.queueStatuses()),
      attempt('throughput', () => this.throughput(now)),
      attempt('recent jobs', async () => {
        const { completed, failed } = await this.recent.read();
        return { ...jobStatistics(completed, failed), sampleSize: this.recent.sampleSize };
      }),
      attempt('worker heartbeats', () => this.workers(now)),
      attempt('Redis INFO', () => this.redis.info()),
    ]);
    const batchSizes = workers ? await attempt('worker metrics', () => this.batchSizes(workers, now)) : null;
    const clients = info ? Number(/connected_clients:(\d+)/.exec(info)?.[1]) : Number.NaN;
    return {
      generatedAt: now,
      prefix: this.registry.prefix,
      redis: {
        url: redactRedisUrl(this.redisUrl),
        status: this.redis.status,
        memory: info ? redisMemory(info) : null,
        connectedClients: Number.isNaN(clients) ? null : clients,
      },
      queues: queues ?? [],
      throughput,
      jobs,
      batchSizes,
      workers: workers ?? [],
      models: modelRegistryView(workers ?? []),
      problems,
    };
  }

  private empty(now: number, problems: string[]): OverviewSnapshot {
    return {
      generatedAt: now,
      prefix: this.registry.prefix,
      redis: {
        url: redactRedisUrl(this.redisUrl),
        status: this.redis.status,
        memory: null,
        connectedClients: null,
      },
      queues: [],
      throughput: null,
      jobs: null,
      batchSizes: null,
      workers: [],
      models: modelRegistryView([]),
      problems,
    };
  }

  private queueStatuses(): Promise<QueueStatus[]> {
    return Promise.all(
      this.registry.all().map(async (queue) => {
        const [c, paused] = await Promise.all([
          queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'paused'),
          queue.isPaused(),
        ]);
        return {
          name: queue.name,
          paused,
          counts: {
            // Jobs of a paused queue (older BullMQ layouts) and jobs with a priority wait all the same.
            waiting: (c.waiting ?? 0) + (c.paused ?? 0) + (c.prioritized ?? 0),
            active: c.active ?? 0,
            delayed: c.delayed ?? 0,
            failed: c.failed ?? 0,
            completed: c.completed ?? 0,
          },
        };
      }),
    );
  }

  private async throughput(now: number): Promise<Throughput | null> {
    const queue = this.registry.get(CLASSIFY_QUEUE);
    if (!queue) return null;
    // A minute more than shown, so the oldest shown minute is complete even right after a rollover.
    const [completed, failed] = await Promise.all([
      queue.getMetrics('completed', 0, this.minutes),
      queue.getMetrics('failed', 0, this.minutes),
    ]);
    const c = minuteSeries(completed, this.minutes, now);
    const f = minuteSeries(failed, this.minutes, now);
    return {
      queue: CLASSIFY_QUEUE,
      minutes: minuteStarts(this.minutes, now),
      completed: c,
      failed: f,
      failureRate: failureRates(c, f),
    };
  }

  // Heartbeat keys are found by SCAN, which walks the whole keyspace: not every second.
  private workers(now: number): Promise<WorkerEntry[]> {
    if (!this.heartbeats || now - this.heartbeats.at >= this.workersEveryMs) {
      const workers = listWorkers(this.redis, this.registry.prefix);
      this.heartbeats = { at: now, workers };
      workers.catch(() => {
        if (this.heartbeats?.workers === workers) this.heartbeats = undefined;
      });
    }
    return this.heartbeats.workers;
  }

  private batchSizes(workers: readonly WorkerEntry[], now: number): Promise<BatchSizeReport> {
    if (!this.scraped || now - this.scraped.at >= this.scrapeEveryMs) {
      this.scraped = { at: now, report: scrapeBatchSizes(workers) };
    }
    return this.scraped.report;
  }
}
