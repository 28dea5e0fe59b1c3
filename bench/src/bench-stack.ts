import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ClassifyQueue, connectRedis, newClassifyRequest } from '@switchboard/core';
import { REPO_ROOT } from './bench-texts.js';
import type { Send } from './closed-loop.js';
import { HttpSender } from './http-sender.js';
import { onInterrupt } from './interrupt-cleanup.js';
import { type ProcessMemory, processCpuMs, processMemory } from './process-usage.js';
import { ServiceProcess } from './service-process.js';

const WORKER_ENTRY = join(REPO_ROOT, 'worker', 'dist', 'worker-main.js');
const NOOP_ENTRY = join(REPO_ROOT, 'bench', 'dist', 'noop-worker-main.js');
const HTTP_ENTRY = join(REPO_ROOT, 'plugins', 'http', 'dist', 'http-main.js');

/** CPU time used so far by each part of a stack, ms (null: not measurable here). */
export interface CpuSnapshot {
  readonly workers: number;
  readonly http: number | null;
  /** This process: the load generator (and producer, when sending straight to the queue). */
  readonly client: number;
  /** The Redis server, when it runs on this machine; it may serve others too. */
  readonly redis: number | null;
}

/** What to start. */
export interface StackSpec {
  readonly redisUrl: string;
  /** Model repository folder (`SWITCHBOARD_MODELS`). */
  readonly modelsDir: string;
  /** Model name inside it; the only one the workers load. */
  readonly model: string;
  /** Worker processes. */
  readonly processes: number;
  /** The real worker, or BullMQ with a processor that does nothing (the queue's own cost). */
  readonly worker: 'switchboard' | 'noop';
  /** Worker environment on top of this process's (e.g. `BATCH_MAX_SIZE=1`). */
  readonly env?: Record<string, string>;
  /** Also start the HTTP API (its own process) on the same queue, for {@link BenchStack.sender}('http'). */
  readonly http?: boolean;
  /** Most requests in flight at once, for the HTTP client's connection pool. */
  readonly maxInFlight: number;
}

/**
 * A running Switchboard on its own queue prefix: worker processes (each as `switchboard worker`
 * runs one; `WORKER_PROCESSES=N` forks N of the same), optionally the HTTP API process, and a sender
 * that classifies one text through the queue or over HTTP and resolves once the answer is in.
 * {@link BenchStack.close} stops the processes and deletes every key of the prefix; so does Ctrl-C.
 */
export class BenchStack {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly spec: StackSpec,
    readonly prefix: string,
    private readonly workers: readonly ServiceProcess[],
    private readonly http: ServiceProcess | undefined,
    private readonly queue: ClassifyQueue,
    private readonly httpClient: HttpSender | undefined,
    private readonly unregister: () => void,
    private readonly redisPid: number | null,
  ) {}

  /**
   * What the first worker process resolved `WORKER_CONCURRENCY` to (it may be `auto`); null for the
   * no-op worker, which does not say.
   */
  get resolvedConcurrency(): number | null {
    const concurrency = this.workers[0]?.ready.concurrency;
    return typeof concurrency === 'number' ? concurrency : null;
  }

  /** Starts the processes and waits until each says it is ready. */
  static async start(spec: StackSpec): Promise<BenchStack> {
    const prefix = `bench-perf-${randomBytes(4).toString('hex')}`;
    const started: ServiceProcess[] = [];
    const cleanup = async () => {
      await Promise.all(started.map((s) => s.stop(5_000)));
      await deleteKeys(spec.redisUrl, prefix);
    };
    const unregister = onInterrupt(cleanup);
    const common = {
      REDIS_URL: spec.redisUrl,
      SWITCHBOARD_QUEUE_PREFIX: prefix,
      SWITCHBOARD_MODELS: spec.modelsDir,
      LOG_LEVEL: 'warn',
    };
    try {
      const entry = spec.worker === 'noop' ? NOOP_ENTRY : WORKER_ENTRY;
      // Settled, not all(): when one fails to start, the others must still be known and stopped.
      const starts = await Promise.allSettled(
        Array.from({ length: spec.processes }, (_, index) =>
          ServiceProcess.start(entry, {
            ...common,
            SWITCHBOARD_WORKER_MODELS: spec.model,
            WORKER_PROCESSES: '1',
            SWITCHBOARD_WORKER_INDEX: String(index),
            WORKER_METRICS_PORT: '0',
            ...spec.env,
          }),
        ),
      );
      const workers: ServiceProcess[] = [];
      for (const s of starts) if (s.status === 'fulfilled') workers.push(s.value);
      started.push(...workers);
      const failed = starts.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
      let http: ServiceProcess | undefined;
      let sender: HttpSender | undefined;
      if (spec.http) {
        http = await ServiceProcess.start(HTTP_ENTRY, {
          ...common,
          HTTP_HOST: '127.0.0.1',
          HTTP_PORT: '0',
          // Local mode (no keys, loopback only); limits far above what the bench sends.
          HTTP_API_KEYS: '',
          HTTP_RATE_LIMIT: '100000000',
          HTTP_MAX_QUEUE_DEPTH: '1000000',
          HTTP_WAIT_TIMEOUT_MS: '60000',
          SWITCHBOARD_DEFAULT_MODEL: spec.model,
        });
        started.push(http);
        const url = http.ready.url;
        if (typeof url !== 'string') throw new Error(`the HTTP API reported no url:\n${http.output}`);
        sender = new HttpSender(url, spec.maxInFlight);
      }
      const queue = await ClassifyQueue.connect({ redisUrl: spec.redisUrl, prefix });
      return new BenchStack(
        spec,
        prefix,
        workers,
        http,
        queue,
        sender,
        unregister,
        await redisPid(spec.redisUrl),
      );
    } catch (err) {
      await cleanup();
      unregister();
      throw err;
    }
  }

  /**
   * A function that classifies one text straight through the queue (as a plugin's producer does),
   * or through the HTTP API's `POST /v1/classify`.
   */
  sender(via: 'queue' | 'http'): Send {
    if (via === 'http') {
      const http = this.httpClient;
      if (!http) throw new Error('this stack was started without the HTTP API');
      return async (text) => {
        await http.post('/v1/classify', { inputs: [text], model: this.spec.model });
      };
    }
    return async (text, n) => {
      const request = newClassifyRequest({
        id: `perf-${n}`,
        model: this.spec.model,
        texts: [text],
        channel: 'bench',
        requester: { id: 'bench' },
      });
      await this.queue.enqueueAndWait(request, 60_000);
    };
  }

  /** CPU time used so far by the workers, the HTTP API, this process and Redis. */
  async cpu(): Promise<CpuSnapshot> {
    const workers = await Promise.all(this.workers.map((w) => processCpuMs(w.child.pid ?? -1)));
    const self = process.cpuUsage();
    return {
      workers: workers.reduce<number>((sum, ms) => sum + (ms ?? 0), 0),
      http: this.http ? await processCpuMs(this.http.child.pid ?? -1) : null,
      client: (self.user + self.system) / 1000,
      redis: this.redisPid === null ? null : await processCpuMs(this.redisPid),
    };
  }

  /** Resident memory of each worker process. */
  async workerMemory(): Promise<ProcessMemory[]> {
    const all = await Promise.all(this.workers.map((w) => processMemory(w.child.pid ?? -1)));
    return all.filter((m): m is ProcessMemory => m !== null);
  }

  /** Resident memory of the HTTP API process, when there is one. */
  async httpMemory(): Promise<ProcessMemory | null> {
    return this.http ? processMemory(this.http.child.pid ?? -1) : null;
  }

  /**
   * Sum and count of the workers' batch-size histograms (texts per onnxruntime run), all processes
   * together; null for the no-op worker, which has no /metrics.
   */
  async batchTotals(): Promise<{ sum: number; count: number } | null> {
    let sum = 0;
    let count = 0;
    for (const worker of this.workers) {
      const port = worker.ready.metricsPort;
      if (typeof port !== 'number') return null;
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      sum += metricTotal(text, 'switchboard_batch_size_sum');
      count += metricTotal(text, 'switchboard_batch_size_count');
    }
    return { sum, count };
  }

  /** The last output of every process, for error messages. */
  get output(): string {
    const parts = this.workers.map((w, i) => `worker ${i}:\n${w.output}`);
    if (this.http) parts.push(`http:\n${this.http.output}`);
    return parts.join('\n');
  }

  /** Stops the processes and deletes the prefix's keys. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.httpClient?.close();
      await this.queue.close();
      await this.http?.stop(5_000);
      await Promise.all(this.workers.map((w) => w.stop(10_000)));
      await deleteKeys(this.spec.redisUrl, this.prefix);
      this.unregister();
    })();
    return this.closing;
  }
}

function metricTotal(text: string, name: string): number {
  let total = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) total += Number(m[1]);
  return total;
}

/** The Redis server's pid when it runs on this machine and its /proc entry is readable, else null. */
async function redisPid(redisUrl: string): Promise<number | null> {
  const host = new URL(redisUrl).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) return null;
  const redis = await connectRedis(redisUrl, 'producer');
  try {
    const pid = Number(/^process_id:(\d+)/m.exec(await redis.info('server'))?.[1]);
    return Number.isInteger(pid) && (await processCpuMs(pid)) !== null ? pid : null;
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under the prefix: queue, job data, worker heartbeats, rate-limit counters. */
async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = await connectRedis(redisUrl, 'producer');
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
