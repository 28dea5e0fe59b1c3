import { hostname } from 'node:os';
import {
  bullConnection,
  CLASSIFY_QUEUE,
  createRedis,
  DeliveryPublisher,
  queuePrefix,
  type RedisClient,
} from '@switchboard/core';
import { MetricsTime, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { announcedMetricsHost } from './announce-address.js';
import { type BatchingProfile, profileBatching, resolveAutoConcurrency } from './batching-profile.js';
import { processClassifyJob } from './classify-processor.js';
import { ConcurrencyGovernor } from './concurrency-governor.js';
import { HealthServer } from './health-server.js';
import { MicroBatcher } from './micro-batcher.js';
import { WorkerHeartbeat } from './worker-heartbeat.js';
import { WorkerMetrics } from './worker-metrics.js';
import { type WorkerModel, WorkerModels } from './worker-models.js';
import { AUTO_CONCURRENCY, type WorkerOptions } from './worker-options.js';

/** A queue that has not run dry for this long has a backlog: hold more jobs so batches form. */
const GROW_AFTER_MS = 500;

/** One worker process's engine: a BullMQ worker feeding per-model micro-batchers. */
export class ClassifyWorker {
  private readonly options: WorkerOptions;
  private readonly index: number;
  private readonly log: Logger;
  private readonly repository: WorkerModels;
  private readonly metrics: WorkerMetrics;
  private readonly batchers = new Map<string, MicroBatcher>();
  private readonly health: HealthServer;
  private readonly prefix: string;
  private redis: RedisClient | undefined;
  private releaseConnection: () => void = () => {};
  private deliveries: DeliveryPublisher | undefined;
  private worker: Worker | undefined;
  private heartbeat: WorkerHeartbeat | undefined;
  private governorTimer: NodeJS.Timeout | undefined;
  private loaded: string[] = [];
  private autoConcurrency = AUTO_CONCURRENCY;
  private closing: Promise<void> | undefined;

  constructor(options: WorkerOptions, index: number, log: Logger) {
    this.options = options;
    this.index = index;
    this.log = log;
    // Hash-tagged on a Redis Cluster, so that every key of the queue lands in one slot.
    this.prefix = queuePrefix(options.prefix, options.redisUrl);
    this.repository = new WorkerModels(options.modelsDir, {
      classifier: { intraOpThreads: options.intraOpThreads },
      inferenceThread: options.inferenceThread,
    });
    this.metrics = new WorkerMetrics({ worker: String(index) });
    this.health = new HealthServer({
      registry: this.metrics.registry,
      ready: () => this.worker?.isRunning() === true && this.redis?.status === 'ready',
    });
  }

  /** Models this process has loaded. */
  get models(): readonly string[] {
    return this.loaded;
  }

  /** Jobs this process holds at once, with `auto` resolved from the models' batching profiles. */
  get concurrency(): number {
    const { concurrency } = this.options;
    return concurrency === 'auto' ? this.autoConcurrency : concurrency;
  }

  /** Loads models, starts the metrics server and starts taking jobs. Resolves to the metrics port. */
  async start(): Promise<number> {
    const { options } = this;
    const port = await this.health.listen(
      options.metricsPort === 0 ? 0 : options.metricsPort + this.index,
      options.metricsHost,
    );
    await this.loadModels();
    const { concurrency } = this;
    this.redis = createRedis(options.redisUrl, 'consumer');
    this.redis.on('error', () => {});
    this.deliveries = new DeliveryPublisher({ connection: this.redis, prefix: this.prefix });
    const { connection, release } = bullConnection(options.redisUrl, 'consumer');
    this.releaseConnection = release;
    const deliveries = this.deliveries;
    const id = WorkerHeartbeat.newId(this.index);
    this.worker = new Worker(
      CLASSIFY_QUEUE,
      (job) =>
        processClassifyJob(job, {
          classifier: (model) => this.repository.get(model),
          batcher: (model) => this.batcherFor(model),
          deliveries,
          metrics: this.metrics,
        }),
      {
        connection,
        prefix: this.prefix,
        name: id,
        concurrency,
        lockDuration: options.lockMs,
        stalledInterval: options.stalledIntervalMs,
        maxStalledCount: 2,
        metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
        autorun: false,
      },
    );
    this.worker.on('error', (err) => this.log.warn({ err: err.message }, 'worker connection error'));
    this.worker.on('failed', (job, err) =>
      this.log.warn(
        { jobId: job?.id, model: job?.name, attempt: job?.attemptsMade, reason: err.message },
        'job failed',
      ),
    );
    this.worker.on('completed', (job) => this.log.debug({ jobId: job.id, model: job.name }, 'job completed'));
    this.governConcurrency(this.worker);
    void this.worker.run().catch((err: Error) => this.log.error({ err: err.message }, 'worker stopped'));
    await this.worker.waitUntilReady();
    const metricsHost = announcedMetricsHost({
      announceHost: options.announceHost,
      metricsHost: options.metricsHost,
    });
    this.heartbeat = new WorkerHeartbeat(this.redis, this.prefix, {
      id,
      host: hostname(),
      pid: process.pid,
      models: this.loaded,
      startedAt: Date.now(),
      metricsPort: port,
      metricsHost,
    });
    this.heartbeat.start();
    this.log.info(
      {
        models: this.loaded,
        metricsPort: port,
        metricsHost,
        concurrency,
        batchWaitMs: options.maxWaitMs,
      },
      'worker ready',
    );
    return port;
  }

  /**
   * Stops taking jobs, lets the jobs in flight (and so their batches) finish for at most
   * `shutdownMs`, then releases everything. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const worker = this.worker;
      if (worker) {
        let timer: NodeJS.Timeout | undefined;
        const drained = await Promise.race([
          worker.close().then(() => true),
          new Promise<false>((resolve) => {
            timer = setTimeout(() => resolve(false), this.options.shutdownMs);
          }),
        ]);
        clearTimeout(timer);
        if (!drained) {
          this.log.warn(
            { shutdownMs: this.options.shutdownMs },
            'jobs still running at shutdown; they will be retried',
          );
          await worker.close(true);
        }
      }
      clearInterval(this.governorTimer);
      await this.heartbeat?.stop();
      await this.deliveries?.close();
      this.releaseConnection();
      this.redis?.disconnect();
      await this.health.close();
      await this.repository.close();
    })();
    return this.closing;
  }

  private async loadModels(): Promise<void> {
    const names =
      this.options.models.length > 0 ? this.options.models : await this.repository.catalog.names();
    const loaded: WorkerModel[] = [];
    for (const name of names) {
      try {
        loaded.push(await this.repository.get(name));
      } catch (err) {
        // A broken folder must not take the other models down; its jobs fail with this message.
        this.log.error({ model: name, err: (err as Error).message }, 'model not loaded');
      }
    }
    this.loaded = loaded.map((c) => c.manifest.name);
    this.metrics.modelsLoaded.set(loaded.length);
    if (this.options.concurrency === 'auto') {
      const profiles = new Map<string, BatchingProfile>();
      for (const model of loaded) {
        const profile = await profileBatching(model);
        profiles.set(model.manifest.name, profile);
        this.log.info(
          { model: model.manifest.name, placement: model.placement, ...rounded(profile) },
          'batching profile',
        );
      }
      this.autoConcurrency = resolveAutoConcurrency(profiles, AUTO_CONCURRENCY);
    }
  }

  // Only `auto` concurrency below the full amount is governed: a number set by hand is kept.
  private governConcurrency(worker: Worker): void {
    if (this.options.concurrency !== 'auto' || this.concurrency >= AUTO_CONCURRENCY) return;
    const governor = new ConcurrencyGovernor(worker, {
      base: this.concurrency,
      max: AUTO_CONCURRENCY,
      growAfterMs: GROW_AFTER_MS,
    });
    worker.on('drained', () => governor.drained());
    this.governorTimer = setInterval(() => governor.tick(), GROW_AFTER_MS / 5);
    this.governorTimer.unref();
  }

  private batcherFor(model: string): MicroBatcher {
    let batcher = this.batchers.get(model);
    if (!batcher) {
      const { maxBatch, maxTokens, maxWaitMs } = this.options;
      batcher = new MicroBatcher(
        async (batch) => (await this.repository.get(model)).run(batch),
        { maxBatch, maxTokens, maxWaitMs },
        (report) => this.metrics.batchSize.observe({ model }, report.size),
      );
      this.batchers.set(model, batcher);
    }
    return batcher;
  }
}

function rounded(p: BatchingProfile): Record<string, number> {
  return {
    singleMs: Number(p.singleMs.toFixed(3)),
    batchMs: Number(p.batchMs.toFixed(3)),
    gain: Number(p.gain.toFixed(2)),
  };
}
