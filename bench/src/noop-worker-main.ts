/**
 * The bench's baseline: a BullMQ worker on the classify queue whose processor does nothing but
 * return an empty result, with the same connection, concurrency and metrics settings as the
 * real worker. What the queue alone costs; run as its own process like the real one.
 */
import {
  CLASSIFY_QUEUE,
  type ClassifyRequest,
  type ClassifyResult,
  CONTRACT_VERSION,
  connectionFromUrl,
  redisOptions,
} from '@switchboard/core';
import { AUTO_CONCURRENCY, workerOptionsFromEnv } from '@switchboard/worker';
import { MetricsTime, Worker } from 'bullmq';

const options = workerOptionsFromEnv();
const worker = new Worker(
  CLASSIFY_QUEUE,
  async (job): Promise<ClassifyResult> => {
    const request = job.data as ClassifyRequest;
    // A valid result with no texts in it: producers parse it exactly as they parse a real one.
    return {
      v: CONTRACT_VERSION,
      id: request.id,
      model: request.model,
      version: 'no-op',
      results: [],
      queueMs: 0,
      inferenceMs: 0,
      finishedAt: Date.now(),
    };
  },
  {
    connection: { ...redisOptions('consumer'), ...connectionFromUrl(options.redisUrl) },
    prefix: options.prefix,
    // As many jobs at once as the real workers hold when their model batches well (the default model).
    concurrency: options.concurrency === 'auto' ? AUTO_CONCURRENCY : options.concurrency,
    lockDuration: options.lockMs,
    stalledInterval: options.stalledIntervalMs,
    metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
    autorun: false,
  },
);
worker.on('error', (err) => console.error(`no-op worker: ${err.message}`));
void worker.run();
await worker.waitUntilReady();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void worker.close().then(() => process.exit(0));
  });
}
process.send?.({ type: 'ready', pid: process.pid, concurrency: options.concurrency });
