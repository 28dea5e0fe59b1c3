/**
 * `@switchboard/worker`: the classification worker (BullMQ consumer, micro-batcher, metrics) and
 * the pool that runs it in several processes.
 * @packageDocumentation
 */
export {
  type AnnounceAddressInput,
  announcedMetricsHost,
  externalAddress,
  type NetworkInfo,
} from './announce-address.js';
export {
  BATCHING_PAYS_AT,
  type BatchingProfile,
  PROFILE_BATCH,
  profileBatching,
  resolveAutoConcurrency,
} from './batching-profile.js';
export {
  type EncodingModel,
  type HeldModel,
  type ProcessorContext,
  processClassifyJob,
} from './classify-processor.js';
export { ClassifyWorker } from './classify-worker.js';
export {
  ConcurrencyGovernor,
  type ConcurrencyGovernorOptions,
  type ConcurrencyTarget,
} from './concurrency-governor.js';
export { HealthServer, type HealthSource } from './health-server.js';
export { InferenceThread } from './inference-thread.js';
export { type BatchReport, MicroBatcher, type MicroBatcherOptions } from './micro-batcher.js';
export {
  HEARTBEAT_SECONDS,
  heartbeatKey,
  type WorkerAnnouncement,
  WorkerHeartbeat,
  type WorkerRegistryView,
} from './worker-heartbeat.js';
export { WorkerMetrics } from './worker-metrics.js';
export { type Placement, WorkerModel } from './worker-model.js';
export {
  INLINE_MAX_MS,
  type LoadedModelView,
  type LoadFailure,
  type ModelLease,
  type ReloadReport,
  WorkerModels,
  type WorkerModelsOptions,
} from './worker-models.js';
export {
  AUTO_CONCURRENCY,
  WORKER_ENV,
  type WorkerOptions,
  WorkerOptionsSchema,
  workerOptionsFromEnv,
} from './worker-options.js';
export { type ReadyMessage, WorkerPool, type WorkerPoolOptions } from './worker-pool.js';
