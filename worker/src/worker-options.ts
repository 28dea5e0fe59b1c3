import { availableParallelism } from 'node:os';
import { DEFAULT_QUEUE_PREFIX, DEFAULT_REDIS_URL, modelsDir, optionsFromEnv } from '@switchboard/core';
import { z } from 'zod';

const int = (min: number) => z.coerce.number().int().min(min);
const autoOr = (value: z.ZodType<number, unknown>) => z.union([z.literal('auto'), value]);

/**
 * Jobs a process holds when its models batch well. 16 rather than more: more held jobs make bigger,
 * more padded batches, which on CPU cost more per text and are no faster (docs/performance.md).
 */
export const AUTO_CONCURRENCY = 16;

/** Everything a worker process can be told, each with its environment variable and default. */
export const WorkerOptionsSchema = z.object({
  /** `REDIS_URL` */
  redisUrl: z.string().default(DEFAULT_REDIS_URL),
  /** `SWITCHBOARD_QUEUE_PREFIX` */
  prefix: z.string().min(1).default(DEFAULT_QUEUE_PREFIX),
  /** `SWITCHBOARD_MODELS`: the model repository folder. */
  modelsDir: z.string().default(modelsDir()),
  /** `SWITCHBOARD_WORKER_MODELS`: comma-separated models to load at start; empty = all. */
  models: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean),
    ),
  /**
   * `SWITCHBOARD_MODEL_POLL_MS`: how often the model repository is read again for added, replaced
   * or removed models and versions (hot reload); 0 turns polling off.
   */
  modelPollMs: int(0).default(5_000),
  /** `WORKER_PROCESSES`: processes started by `switchboard worker`. */
  processes: int(1).default(availableParallelism()),
  /**
   * `WORKER_CONCURRENCY`: jobs one process holds at once (they wait in the batcher), or `auto`:
   * {@link AUTO_CONCURRENCY} when every model's runs batch well, else just enough to hide the Redis
   * round trip (growing under a backlog), measured per model at start-up (see batching-profile.ts,
   * concurrency-governor.ts and docs/performance.md).
   */
  concurrency: autoOr(int(1)).default('auto'),
  /** `BATCH_MAX_SIZE`: most texts in one run; on CPU, onnxruntime gains little past 8–16. */
  maxBatch: int(1).default(16),
  /** `BATCH_MAX_TOKENS`: padded tokens per run. */
  maxTokens: int(1).default(16_384),
  /**
   * `BATCH_MAX_WAIT_MS`: longest a text waits for company. 0: a text runs as soon as the model is
   * free, and the texts that arrive during a run make the next batch (side by side, 0 beat 2 ms for
   * both the default model and the transformer; docs/performance.md).
   */
  maxWaitMs: z.coerce.number().min(0).default(0),
  /**
   * `WORKER_INFERENCE_THREAD`: `auto` runs a model on the process's main thread when one short text
   * takes at most 1 ms there (a hop to another thread would cost more than it frees), else in an
   * inference thread, so the process keeps fetching and completing jobs during long runs;
   * `always` / `never` force one place for every model.
   */
  inferenceThread: z.enum(['auto', 'always', 'never']).default('auto'),
  /** `ORT_INTRA_OP_THREADS` */
  intraOpThreads: int(0).default(1),
  /** `WORKER_METRICS_PORT`: process i listens on port + i; 0 picks free ports. */
  metricsPort: int(0).default(9464),
  /** `WORKER_METRICS_HOST`: where the metrics server listens (`0.0.0.0` in containers). */
  metricsHost: z.string().default('127.0.0.1'),
  /**
   * `WORKER_ANNOUNCE_HOST` (else `POD_IP`): the host the dashboard reads this worker's `/metrics`
   * at. Unset: this machine's first non-loopback address when listening on `0.0.0.0`, else
   * `WORKER_METRICS_HOST` (see announce-address.ts).
   */
  announceHost: z.string().min(1).optional(),
  /** `WORKER_LOCK_MS`: how long a job is locked; a dead worker's jobs return after this. */
  lockMs: int(1_000).default(30_000),
  /** `WORKER_STALLED_INTERVAL_MS`: how often stalled jobs are looked for. */
  stalledIntervalMs: int(500).default(30_000),
  /** `WORKER_SHUTDOWN_MS`: longest a graceful stop waits for jobs in flight. */
  shutdownMs: int(0).default(20_000),
  /** `LOG_LEVEL` */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Parsed worker options. */
export type WorkerOptions = z.infer<typeof WorkerOptionsSchema>;

const ENV: Record<keyof WorkerOptions, string> = {
  redisUrl: 'REDIS_URL',
  prefix: 'SWITCHBOARD_QUEUE_PREFIX',
  modelsDir: 'SWITCHBOARD_MODELS',
  models: 'SWITCHBOARD_WORKER_MODELS',
  modelPollMs: 'SWITCHBOARD_MODEL_POLL_MS',
  processes: 'WORKER_PROCESSES',
  concurrency: 'WORKER_CONCURRENCY',
  maxBatch: 'BATCH_MAX_SIZE',
  maxTokens: 'BATCH_MAX_TOKENS',
  maxWaitMs: 'BATCH_MAX_WAIT_MS',
  inferenceThread: 'WORKER_INFERENCE_THREAD',
  intraOpThreads: 'ORT_INTRA_OP_THREADS',
  metricsPort: 'WORKER_METRICS_PORT',
  metricsHost: 'WORKER_METRICS_HOST',
  announceHost: 'WORKER_ANNOUNCE_HOST',
  lockMs: 'WORKER_LOCK_MS',
  stalledIntervalMs: 'WORKER_STALLED_INTERVAL_MS',
  shutdownMs: 'WORKER_SHUTDOWN_MS',
  logLevel: 'LOG_LEVEL',
};

/** Reads worker options from the environment; a bad value names its variable. */
export function workerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerOptions {
  // Kubernetes hands the pod IP over as POD_IP (downward API); WORKER_ANNOUNCE_HOST wins over it.
  const announce = env.WORKER_ANNOUNCE_HOST?.trim() || env.POD_IP?.trim();
  return optionsFromEnv(
    WorkerOptionsSchema,
    ENV,
    announce ? { ...env, WORKER_ANNOUNCE_HOST: announce } : env,
  );
}

/** The environment variable of each option, for docs and for passing options to child processes. */
export const WORKER_ENV = ENV;
