import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { connectionFromUrl } from '@switchboard/core';
import {
  failureRates,
  metricsUrl,
  minuteSeries,
  parsePromText,
  percentiles,
  scrapeBatchSizes,
  unreachableReason,
  type WorkerEntry,
} from '@switchboard/dashboard';
import { HealthServer, WorkerMetrics } from '@switchboard/worker';
import { MetricsTime, Queue, QueueEvents, Worker } from 'bullmq';
import { Counter, Histogram, Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.js';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';

const MINUTE = 60_000;

describe('minuteSeries (BullMQ per-minute metrics on a clock)', () => {
  const now = 1_000 * MINUTE + 30_000;

  it('puts the open minute at prevTS, closed minutes before it and zeros after it', () => {
    const series = minuteSeries(
      { meta: { count: 17, prevTS: 998 * MINUTE + 5_000, prevCount: 10 }, data: [3, 0, 5] },
      6,
      now,
    );
    // Minutes 995..1000: 995 had 5, 996 none, 997 had 3, 998 (open) had 17-10, nothing since.
    expect(series).toEqual([5, 0, 3, 7, 0, 0]);
  });

  it('drops what is older than the window and is all zeros before the first job', () => {
    const old = minuteSeries(
      { meta: { count: 4, prevTS: 900 * MINUTE, prevCount: 0 }, data: [1, 1] },
      60,
      now,
    );
    expect(old).toEqual(new Array(60).fill(0));
    expect(minuteSeries({ meta: { count: 0, prevTS: 0, prevCount: 0 }, data: [] }, 3, now)).toEqual([
      0, 0, 0,
    ]);
  });

  it('failure rate is failed over finished, and no rate where nothing finished', () => {
    expect(failureRates([3, 0, 0], [1, 0, 2])).toEqual([0.25, null, 1]);
  });

  const prefix = uniquePrefix('dash-metrics');
  afterAll(() => deletePrefixKeys(SHARED_REDIS_URL, prefix));

  it('counts every job a real BullMQ worker with metrics finished', async () => {
    const connection = connectionFromUrl(SHARED_REDIS_URL);
    const queue = new Queue('metered', { connection, prefix });
    const events = new QueueEvents('metered', { connection, prefix });
    const worker = new Worker(
      'metered',
      async (job) => {
        if (job.data.fail) throw new Error('planned failure');
        return 'ok';
      },
      {
        connection: { ...connection, maxRetriesPerRequest: null },
        prefix,
        metrics: { maxDataPoints: MetricsTime.ONE_HOUR },
      },
    );
    try {
      await events.waitUntilReady();
      const jobs = await queue.addBulk(
        [false, false, true, false, true].map((fail, i) => ({
          name: `j${i}`,
          data: { fail },
          opts: { attempts: 1 },
        })),
      );
      await Promise.allSettled(jobs.map((j) => j.waitUntilFinished(events, 20_000)));
      const at = Date.now();
      const completed = minuteSeries(await queue.getMetrics('completed', 0, 60), 60, at);
      const failed = minuteSeries(await queue.getMetrics('failed', 0, 60), 60, at);
      expect(completed.reduce((a, b) => a + b, 0)).toBe(3);
      expect(failed.reduce((a, b) => a + b, 0)).toBe(2);
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }
  });
});

describe('percentiles', () => {
  it('uses the nearest rank, so each percentile is a value that occurred', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(values)).toEqual({ p50: 50, p95: 95, p99: 99, count: 100 });
    expect(percentiles([7])).toEqual({ p50: 7, p95: 7, p99: 7, count: 1 });
    expect(percentiles([1, 2, 3, 1_000])?.p99).toBe(1_000);
    expect(percentiles([])).toBeUndefined();
    expect(percentiles([Number.NaN, 4])).toEqual({ p50: 4, p95: 4, p99: 4, count: 1 });
  });
});

describe('parsePromText', () => {
  it('reads what prom-client writes, escaped label values and histograms included', async () => {
    const registry = new Registry();
    const counter = new Counter({
      name: 'odd_total',
      help: 'x',
      labelNames: ['path'],
      registers: [registry],
    });
    counter.inc({ path: 'a "quoted" \\ back\nslash' }, 3);
    const histogram = new Histogram({
      name: 'sizes',
      help: 'y',
      labelNames: ['model'],
      buckets: [1, 4],
      registers: [registry],
    });
    histogram.observe({ model: 'm' }, 3);
    histogram.observe({ model: 'm' }, 9);
    const samples = parsePromText(await registry.metrics());
    expect(samples.find((s) => s.name === 'odd_total')).toEqual({
      name: 'odd_total',
      labels: { path: 'a "quoted" \\ back\nslash' },
      value: 3,
    });
    const buckets = samples.filter((s) => s.name === 'sizes_bucket').map((s) => [s.labels.le, s.value]);
    expect(buckets).toEqual([
      ['1', 0],
      ['4', 1],
      ['+Inf', 2],
    ]);
    expect(samples.find((s) => s.name === 'sizes_sum')?.value).toBe(12);
  });

  it('skips lines it cannot read instead of failing the scrape', () => {
    expect(
      parsePromText('# HELP x y\ngood 1\nbad{unterminated="x 2\nalso_good{a="b"} 2.5 1700000000\n'),
    ).toEqual([
      { name: 'good', labels: {}, value: 1 },
      { name: 'also_good', labels: { a: 'b' }, value: 2.5 },
    ]);
  });
});

describe('scrapeBatchSizes (the workers keep batch sizes in their own /metrics)', () => {
  const entry = (id: string, port: number, host = hostname(), metricsHost = ''): WorkerEntry => ({
    id,
    host,
    pid: 1,
    models: [],
    startedAt: 0,
    metricsPort: port,
    metricsHost,
    lastHeartbeat: 0,
  });

  it('reads the address a worker announced, and loopback or the host name for older workers', () => {
    expect(metricsUrl(entry('a', 9464, 'worker-7d9f-x2', '10.42.0.17'), 'dashboard-5c4-q1')).toBe(
      'http://10.42.0.17:9464/metrics',
    );
    expect(metricsUrl(entry('v6', 9464, 'box', 'fd00::17'), 'other')).toBe('http://[fd00::17]:9464/metrics');
    expect(metricsUrl(entry('a', 9464))).toBe('http://127.0.0.1:9464/metrics');
    expect(metricsUrl(entry('b', 9465, 'gpu-box-2'), 'this-box')).toBe('http://gpu-box-2:9465/metrics');
  });

  it('does not read a loopback-bound worker of another machine on its own loopback', async () => {
    const remote = entry('r', 9464, 'worker-7d9f-x2', '127.0.0.1');
    expect(unreachableReason(remote, 'dashboard-5c4-q1')).toMatch(/set WORKER_METRICS_HOST=0\.0\.0\.0/);
    expect(unreachableReason(entry('l', 9464, 'box', '127.0.0.1'), 'box')).toBeUndefined();
    const report = await scrapeBatchSizes([remote], 1_000, 'dashboard-5c4-q1');
    expect(report.scrapes).toEqual([
      expect.objectContaining({
        worker: 'r',
        ok: false,
        error: expect.stringContaining('127.0.0.1 of worker-7d9f-x2'),
      }),
    ]);
  });

  it('sums the histograms of several workers per model and reports the worker that does not answer', async () => {
    const a = new WorkerMetrics({ worker: '0' });
    const b = new WorkerMetrics({ worker: '1' });
    for (const size of [1, 3, 32]) a.batchSize.observe({ model: 'm' }, size);
    for (const size of [3, 100]) b.batchSize.observe({ model: 'm' }, size);
    b.batchSize.observe({ model: 'n' }, 2);
    const servers = [
      new HealthServer({ registry: a.registry, ready: () => true }),
      new HealthServer({ registry: b.registry, ready: () => true }),
    ];
    // A port that answers with an error, like a proxy in front of a dead worker.
    const broken = createServer((_, res) => res.writeHead(502).end());
    const brokenPort = await freePort();
    await new Promise<void>((resolve) => broken.listen(brokenPort, '127.0.0.1', resolve));
    const silentPort = await freePort();
    try {
      const ports = await Promise.all(servers.map((s) => s.listen(0, '127.0.0.1')));
      const report = await scrapeBatchSizes([
        entry('w0', ports[0]!),
        entry('w1', ports[1]!),
        entry('w2', brokenPort),
        entry('w3', silentPort),
      ]);
      const m = report.byModel.m!;
      expect(m.runs).toBe(5);
      expect(m.texts).toBe(139);
      const runsByLe = Object.fromEntries(m.buckets.map((bucket) => [String(bucket.le), bucket.runs]));
      expect(runsByLe).toMatchObject({ '1': 1, '2': 0, '4': 2, '32': 1, '128': 1, null: 0 });
      expect(m.buckets.reduce((sum, bucket) => sum + bucket.runs, 0)).toBe(5);
      expect(report.byModel.n?.runs).toBe(1);
      expect(report.scrapes.filter((s) => s.ok).map((s) => s.worker)).toEqual(['w0', 'w1']);
      expect(report.scrapes.find((s) => s.worker === 'w2')?.error).toBe('HTTP 502');
      expect(report.scrapes.find((s) => s.worker === 'w3')?.error).toBe('ECONNREFUSED');
    } finally {
      await Promise.all(servers.map((s) => s.close()));
      await new Promise((resolve) => broken.close(resolve));
    }
  });
});
