import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/** The Prometheus metrics of one worker process. */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly completed = new Counter({
    name: 'switchboard_jobs_completed_total',
    help: 'Classification jobs completed, by model and channel.',
    labelNames: ['model', 'channel'] as const,
    registers: [this.registry],
  });
  readonly failed = new Counter({
    name: 'switchboard_jobs_failed_total',
    help: 'Classification job attempts that failed, by model, channel and error code.',
    labelNames: ['model', 'channel', 'code'] as const,
    registers: [this.registry],
  });
  readonly queueWait = new Histogram({
    name: 'switchboard_queue_wait_seconds',
    help: 'Time from enqueue until a worker took the job.',
    labelNames: ['model'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly inference = new Histogram({
    name: 'switchboard_inference_seconds',
    help: 'Time a job spent in the batcher and onnxruntime.',
    labelNames: ['model'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly endToEnd = new Histogram({
    name: 'switchboard_end_to_end_seconds',
    help: 'Time from the request being created until its result was ready.',
    labelNames: ['model', 'channel'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'switchboard_batch_size',
    help: 'Texts per onnxruntime run.',
    labelNames: ['model'] as const,
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });
  readonly modelsLoaded = new Gauge({
    name: 'switchboard_models_loaded',
    help: 'Models loaded in this worker process.',
    registers: [this.registry],
  });

  /** @param labels labels on every series besides `service="worker"`, e.g. `{ worker: '0' }` */
  constructor(labels: Record<string, string> = {}) {
    this.registry.setDefaultLabels({ service: 'worker', ...labels });
    // Node's standard names (process_cpu_seconds_total, nodejs_eventloop_lag_seconds...), which
    // stock dashboards and alerts expect; the `service` label tells the processes apart.
    collectDefaultMetrics({ register: this.registry });
  }
}
