import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectRedis, type RedisClient } from '@switchboard/core';
import type { Bench, BenchArgs } from './bench.js';
import { REPO_ROOT } from './bench-texts.js';
import { HttpSender } from './http-sender.js';
import { formatNumber, markdownTable } from './markdown-table.js';
import { processCpuMs } from './process-usage.js';
import { ServiceProcess } from './service-process.js';

const WORKER_ENTRY = join(REPO_ROOT, 'worker', 'src', 'worker-main.ts');
const HTTP_ENTRY = join(REPO_ROOT, 'plugins', 'http', 'src', 'http-main.ts');

/**
 * What one one-text `POST /v1/classify` costs each part, on a private `redis-server`: CPU ms of the
 * HTTP API, of the worker and of Redis, and the Redis commands run (a script's own calls counted).
 * Command counts do not move with the machine's load, so they compare two versions of the code
 * even on a busy machine where throughput does not.
 */
export const requestCostBench: Bench = {
  name: 'request-cost',
  description:
    'CPU ms and Redis commands per one-text HTTP request (HTTP API, worker, Redis) on a private redis-server (--requests N, --connections N, --model NAME)',
  options: {
    requests: { type: 'string', default: '3000' },
    connections: { type: 'string', default: '64' },
    model: { type: 'string', default: 'sentiment' },
  },
  run: runRequestCost,
};

async function runRequestCost(args: BenchArgs): Promise<void> {
  const requests = positive(args.requests, '--requests');
  const connections = positive(args.connections, '--connections');
  const model = String(args.model);
  const port = await freePort();
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const started: ServiceProcess[] = [];
  let redis: RedisClient | undefined;
  let sender: HttpSender | undefined;
  try {
    redis = await connectUntil(url, server);
    const env = {
      REDIS_URL: url,
      SWITCHBOARD_QUEUE_PREFIX: 'request-cost',
      SWITCHBOARD_WORKER_MODELS: model,
      WORKER_PROCESSES: '1',
      WORKER_METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      HTTP_API_KEYS: '',
      // One caller sends everything: a budget it cannot reach, so the limiter runs but never refuses.
      HTTP_RATE_LIMIT: '100000000',
      HTTP_MAX_QUEUE_DEPTH: '1000000',
      HTTP_WAIT_TIMEOUT_MS: '60000',
      SWITCHBOARD_DEFAULT_MODEL: model,
    };
    const worker = await ServiceProcess.start(WORKER_ENTRY, env);
    started.push(worker);
    const http = await ServiceProcess.start(HTTP_ENTRY, env);
    started.push(http);
    sender = new HttpSender(String(http.ready.url), connections);
    const send = sender;
    const load = async (n: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (next < n) {
            const i = next++;
            await send.post('/v1/classify', { model, inputs: [`request ${i} was rather good, thanks`] });
          }
        }),
      );
    };
    process.stderr.write(`request-cost: ${model}, ${requests} requests over ${connections} connections\n`);
    await load(Math.min(500, requests));
    await redis.call('CONFIG', 'RESETSTAT');
    const before = await Promise.all([processCpuMs(http.child.pid!), processCpuMs(worker.child.pid!)]);
    const redisBefore = redisCpuMs(await redis.info('cpu'));
    const t0 = performance.now();
    await load(requests);
    const seconds = (performance.now() - t0) / 1_000;
    const after = await Promise.all([processCpuMs(http.child.pid!), processCpuMs(worker.child.pid!)]);
    const redisAfter = redisCpuMs(await redis.info('cpu'));
    const commands = commandCounts(await redis.info('commandstats'));
    const total = [...commands.values()].reduce((a, b) => a + b, 0);
    const per = (v: number | null | undefined, w: number | null | undefined) =>
      v == null || w == null ? '-' : formatNumber((v - w) / requests, 3);
    console.log(
      `## Cost of one one-text request (${model}, ${requests} requests, ${connections} connections)\n`,
    );
    console.log(
      markdownTable(
        ['requests/s', 'HTTP API CPU ms', 'worker CPU ms', 'Redis CPU ms', 'Redis commands'],
        [
          [
            formatNumber(requests / seconds),
            per(after[0], before[0]),
            per(after[1], before[1]),
            per(redisAfter, redisBefore),
            formatNumber(total / requests, 2),
          ],
        ],
      ),
    );
    const rows = [...commands]
      .filter(([, n]) => n / requests >= 0.05)
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => [name, formatNumber(n / requests, 2)]);
    console.log(`\n${markdownTable(['Redis command', 'calls a request'], rows)}`);
  } finally {
    sender?.close();
    for (const s of started.reverse()) await s.stop();
    redis?.disconnect();
    server.kill('SIGKILL');
  }
}

function positive(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got ${value}`);
  return n;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function connectUntil(url: string, server: ChildProcess): Promise<RedisClient> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await connectRedis(url, 'producer', 1_000);
    } catch (err) {
      if (server.exitCode !== null || attempt >= 20) throw new Error(`redis-server did not start: ${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function redisCpuMs(info: string): number {
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? Number.NaN);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1_000;
}

function commandCounts(info: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of info.split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (m && !m[1]!.startsWith('config')) counts.set(m[1]!, Number(m[2]));
  }
  return counts;
}
