import { ClassifyQueue } from '@switchboard/core';
import { Dashboard, type OverviewSnapshot } from '@switchboard/dashboard';
import { announcedMetricsHost, externalAddress, workerOptionsFromEnv } from '@switchboard/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { canCreateNetworkNamespaces, NetworkNamespace } from '../helpers/network-namespace.js';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { RedisServer } from '../helpers/redis-server.js';
import { testRequest } from '../helpers/requests.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';

// In Kubernetes a worker's host name is its pod name, which nothing resolves, and 127.0.0.1 is
// the dashboard pod's own loopback: a worker must announce an address another pod can reach.

const POD_INTERFACES = {
  lo: [
    { address: '127.0.0.1', family: 'IPv4' as const, internal: true },
    { address: '::1', family: 'IPv6' as const, internal: true },
  ],
  eth0: [
    { address: 'fe80::a8c1:abff:fe12:3456', family: 'IPv6' as const, internal: false },
    { address: '10.42.0.17', family: 'IPv4' as const, internal: false },
  ],
};

describe('the metrics address a worker announces', () => {
  it('is WORKER_ANNOUNCE_HOST, else POD_IP, else the first non-loopback address when listening on 0.0.0.0', () => {
    const options = (env: Record<string, string>) =>
      workerOptionsFromEnv({ WORKER_METRICS_HOST: '0.0.0.0', ...env });
    expect(options({ POD_IP: '10.42.0.99' }).announceHost).toBe('10.42.0.99');
    expect(options({ POD_IP: '10.42.0.99', WORKER_ANNOUNCE_HOST: 'worker-3.internal' }).announceHost).toBe(
      'worker-3.internal',
    );
    expect(options({}).announceHost).toBeUndefined();

    expect(announcedMetricsHost({ announceHost: '10.42.0.99', metricsHost: '0.0.0.0' }, POD_INTERFACES)).toBe(
      '10.42.0.99',
    );
    expect(announcedMetricsHost({ metricsHost: '0.0.0.0' }, POD_INTERFACES)).toBe('10.42.0.17');
    expect(announcedMetricsHost({ metricsHost: '::' }, POD_INTERFACES)).toBe('10.42.0.17');
    const v6Only = {
      lo: POD_INTERFACES.lo,
      eth0: [{ address: 'fd00::17', family: 'IPv6' as const, internal: false }],
    };
    expect(announcedMetricsHost({ metricsHost: '0.0.0.0' }, v6Only)).toBe('fd00::17');
    // Bound to one address: that address, loopback included (then only this machine reads it).
    expect(announcedMetricsHost({ metricsHost: '127.0.0.1' }, POD_INTERFACES)).toBe('127.0.0.1');
    expect(announcedMetricsHost({ metricsHost: '10.42.0.17' }, POD_INTERFACES)).toBe('10.42.0.17');
  });
});

const external = externalAddress();
const prefix = uniquePrefix('announce');
let models: TestModels | undefined;
const workers: WorkerProcess[] = [];
const dashboards: Dashboard[] = [];
let redis: RedisServer | undefined;
let ns: NetworkNamespace | undefined;

afterAll(async () => {
  await Promise.all(dashboards.map((d) => d.close()));
  await Promise.all(workers.map((w) => w.stop()));
  await deletePrefixKeys(SHARED_REDIS_URL, prefix);
  await redis?.close();
  await ns?.close();
  await models?.remove();
});

function devDashboard(redisUrl: string, dashboardPrefix: string): Dashboard {
  const dashboard = new Dashboard({
    port: 0,
    host: '127.0.0.1',
    redisUrl,
    prefix: dashboardPrefix,
    latencySample: 100,
    secureCookie: 'auto',
    logLevel: 'silent',
    credentials: { users: [] },
  });
  dashboards.push(dashboard);
  return dashboard;
}

/** Classifies two texts through the queue, then waits for the overview to show their batch. */
async function batchSizesSeen(url: string, redisUrl: string, queuePrefix: string): Promise<OverviewSnapshot> {
  const queue = await ClassifyQueue.connect({ redisUrl, prefix: queuePrefix });
  try {
    await queue.enqueueAndWait(testRequest(FAST_MODEL, ['sunny and warm', 'cold rain']), 20_000);
  } finally {
    await queue.close();
  }
  return waitFor(
    async () => {
      const s = (await (await fetch(`${url}/api/overview`)).json()) as OverviewSnapshot;
      return s.batchSizes?.byModel[FAST_MODEL] ? s : undefined;
    },
    { what: 'batch sizes of the worker on the overview', timeoutMs: 20_000 },
  );
}

describe.skipIf(!external)('a worker listening on 0.0.0.0, as in a container', () => {
  it("is read by the dashboard's batch-size chart at its non-loopback address", async () => {
    models ??= await createTestModels();
    const worker = await startWorker({
      redisUrl: SHARED_REDIS_URL,
      prefix,
      modelsDir: models.dir,
      env: { WORKER_METRICS_HOST: '0.0.0.0' },
    });
    workers.push(worker);
    const { url } = await devDashboard(SHARED_REDIS_URL, prefix).start();
    const snap = await batchSizesSeen(url, SHARED_REDIS_URL, prefix);
    expect(snap.workers).toHaveLength(1);
    expect(snap.workers[0]!.metricsHost).toBe(external);
    const scrape = snap.batchSizes!.scrapes[0]!;
    expect(scrape).toMatchObject({ ok: true, url: `http://${external}:${worker.ready.metricsPort}/metrics` });
    expect(snap.batchSizes!.byModel[FAST_MODEL]!.texts).toBeGreaterThanOrEqual(2);
  });
});

describe.skipIf(!canCreateNetworkNamespaces())(
  'a worker in a network namespace of its own, like a pod',
  () => {
    it('is read at the pod address it announces, where 127.0.0.1 would reach nothing', async () => {
      models ??= await createTestModels();
      ns = await NetworkNamespace.create();
      // Redis listens on this side of the link too, as a Service address would be reachable from pods.
      // (Off loopback, Redis wants a password, as it would in a cluster.)
      const password = 'pod-network-test-pw';
      redis = await RedisServer.start({ alsoBind: [ns.hostAddress], password });
      const podPrefix = uniquePrefix('pod');
      const worker = await startWorker({
        redisUrl: `redis://:${password}@${ns.hostAddress}:${redis.port}`,
        prefix: podPrefix,
        modelsDir: models.dir,
        // As deploy/k8s/worker.yaml runs it; the pod shares this machine's host name, so only the
        // announced address tells the dashboard where the worker really is.
        env: { WORKER_METRICS_HOST: '0.0.0.0' },
        launcher: ns.launcher,
      });
      workers.push(worker);
      const { url } = await devDashboard(redis.url, podPrefix).start();
      const snap = await batchSizesSeen(url, redis.url, podPrefix);
      expect(snap.workers[0]!.metricsHost).toBe(ns.podAddress);
      expect(snap.batchSizes!.scrapes).toEqual([
        expect.objectContaining({
          ok: true,
          url: `http://${ns.podAddress}:${worker.ready.metricsPort}/metrics`,
        }),
      ]);
      expect(snap.batchSizes!.byModel[FAST_MODEL]!.runs).toBeGreaterThanOrEqual(1);
      // What the dashboard read before: this machine's loopback, where that worker is not.
      const loopback = await fetch(`http://127.0.0.1:${worker.ready.metricsPort}/metrics`, {
        signal: AbortSignal.timeout(2_000),
      }).then(
        (res) => res.text(),
        (err: Error) => err.message,
      );
      expect(loopback).not.toContain('switchboard_models_loaded');
    });
  },
);
