/**
 * `@switchboard/worker`: the classification worker (BullMQ consumer, micro-batcher, metrics) and
 * the pool that runs it in several processes.
 * @packageDocumentation
 */
export { type ProcessorContext, processClassifyJob } from './classify-processor.js';
export { ClassifyWorker } from './classify-worker.js';
export { HealthServer, type HealthSource } from './health-server.js';
export { type BatchReport, MicroBatcher, type MicroBatcherOptions } from './micro-batcher.js';
export {
  HEARTBEAT_SECONDS,
  heartbeatKey,
  type WorkerAnnouncement,
  WorkerHeartbeat,
} from './worker-heartbeat.js';
export { WorkerMetrics } from './worker-metrics.js';
export {
  WORKER_ENV,
  type WorkerOptions,
  WorkerOptionsSchema,
  workerOptionsFromEnv,
} from './worker-options.js';
export { type ReadyMessage, WorkerPool, type WorkerPoolOptions } from './worker-pool.js';
