import { ClassifyQueue } from '@switchboard/core';
import { Dashboard, type OverviewSnapshot } from '@switchboard/dashboard';
import { announcedMetricsHost, externalAddress, workerOptionsFromEnv } from '@switchboard/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
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
let worker: WorkerProcess | undefined;
let dashboard: Dashboard | undefined;

afterAll(async () => {
  await dashboard?.close();
  await worker?.stop();
  await deletePrefixKeys(SHARED_REDIS_URL, prefix);
  await models?.remove();
});

describe.skipIf(!external)('a worker listening on 0.0.0.0, as in a container', () => {
  it("is read by the dashboard's batch-size chart at its non-loopback address", async () => {
    models = await createTestModels();
    worker = await startWorker({
      redisUrl: SHARED_REDIS_URL,
      prefix,
      modelsDir: models.dir,
      env: { WORKER_METRICS_HOST: '0.0.0.0' },
    });
    dashboard = new Dashboard({
      port: 0,
      host: '127.0.0.1',
      redisUrl: SHARED_REDIS_URL,
      prefix,
      latencySample: 100,
      secureCookie: 'auto',
      logLevel: 'silent',
      credentials: { users: [] },
    });
    const { url } = await dashboard.start();
    const queue = await ClassifyQueue.connect({ redisUrl: SHARED_REDIS_URL, prefix });
    try {
      await queue.enqueueAndWait(testRequest(FAST_MODEL, ['sunny and warm', 'cold rain']), 20_000);
    } finally {
      await queue.close();
    }
    const snap = await waitFor(
      async () => {
        const s = (await (await fetch(`${url}/api/overview`)).json()) as OverviewSnapshot;
        return s.batchSizes?.byModel[FAST_MODEL] ? s : undefined;
      },
      { what: 'batch sizes of the worker on the overview', timeoutMs: 20_000 },
    );
    expect(snap.workers).toHaveLength(1);
    expect(snap.workers[0]!.metricsHost).toBe(external);
    const scrape = snap.batchSizes!.scrapes[0]!;
    expect(scrape).toMatchObject({ ok: true, url: `http://${external}:${worker.ready.metricsPort}/metrics` });
    expect(snap.batchSizes!.byModel[FAST_MODEL]!.texts).toBeGreaterThanOrEqual(2);
  });
});
