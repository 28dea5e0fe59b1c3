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
import type { WorkerModel } from './worker-model.js';
import { WorkerModels } from './worker-models.js';
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
  // One batcher per loaded version; dropped with the version's WorkerModel.
  private readonly batchers = new WeakMap<WorkerModel, MicroBatcher>();
  private readonly health: HealthServer;
  private readonly prefix: string;
  private redis: RedisClient | undefined;
  private releaseConnection: () => void = () => {};
  private deliveries: DeliveryPublisher | undefined;
  private worker: Worker | undefined;
  private heartbeat: WorkerHeartbeat | undefined;
  private governorTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
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
      preload: options.models,
    });
    this.metrics = new WorkerMetrics({ worker: String(index) });
    this.health = new HealthServer({
      registry: this.metrics.registry,
      ready: () => this.worker?.isRunning() === true && this.redis?.status === 'ready',
    });
  }

  /** Models this process has loaded, as `name@version` (the versions bare names run on). */
  get models(): readonly string[] {
    return this.loaded;
  }

  /** This process's model sessions: versions loaded, defaults, last reload and load errors. */
  get registry(): WorkerModels {
    return this.repository;
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
          classifier: (model) => this.repository.acquire(model),
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
    const startedAt = Date.now();
    this.heartbeat = new WorkerHeartbeat(this.redis, this.prefix, () => ({
      id,
      host: hostname(),
      pid: process.pid,
      models: this.loaded,
      startedAt,
      metricsPort: port,
      metricsHost,
      registry: {
        models: this.repository.view(),
        lastReload: this.repository.lastReload,
        errors: this.repository.loadFailures,
      },
    }));
    this.heartbeat.start();
    this.pollModels();
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
      clearTimeout(this.pollTimer);
      this.pollTimer = undefined;
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
    const report = await this.repository.refresh();
    // A broken folder must not take the other models down; its jobs fail with this message.
    for (const f of report.failed)
      this.log.error({ model: f.ref, file: f.file, err: f.error }, 'model not loaded');
    const known = this.repository.view();
    for (const name of this.options.models) {
      if (!known.some((m) => m.name === name)) {
        this.log.error(
          { model: name, available: known.map((m) => m.name) },
          'model not loaded: not in the repository',
        );
      }
    }
    const loaded: WorkerModel[] = [];
    for (const m of known) {
      if (m.default !== undefined) loaded.push(await this.repository.get(m.name));
    }
    this.noteLoaded();
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

  private noteLoaded(): void {
    this.loaded = this.repository
      .view()
      .filter((m) => m.default !== undefined)
      .map((m) => `${m.name}@${m.default}`);
    this.metrics.modelsLoaded.set(this.loaded.length);
  }

  // Hot reload: one read of the repository at a time, the next one `modelPollMs` after the last ended.
  private pollModels(): void {
    const { modelPollMs } = this.options;
    if (modelPollMs <= 0 || this.closing) return;
    this.pollTimer = setTimeout(async () => {
      try {
        const { added, replaced, removed, failed } = await this.repository.refresh();
        if (added.length + replaced.length + removed.length > 0)
          this.log.info({ added, replaced, removed }, 'model repository changed');
        for (const f of failed)
          if (f.at >= Date.now() - modelPollMs * 2)
            this.log.warn({ model: f.ref, file: f.file, err: f.error }, 'model version skipped');
        this.noteLoaded();
        if (this.worker?.isRunning()) this.heartbeat?.beat();
      } catch (err) {
        this.log.warn(
          { err: (err as Error).message },
          'model repository not readable; serving what is loaded',
        );
      }
      this.pollModels();
    }, modelPollMs);
    this.pollTimer.unref();
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

  private batcherFor(model: WorkerModel): MicroBatcher {
    let batcher = this.batchers.get(model);
    if (!batcher) {
      const { maxBatch, maxTokens, maxWaitMs } = this.options;
      const name = model.manifest.name;
      batcher = new MicroBatcher(
        (batch) => model.run(batch),
        { maxBatch, maxTokens, maxWaitMs },
        (report) => this.metrics.batchSize.observe({ model: name }, report.size),
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
