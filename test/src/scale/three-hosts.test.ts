import { type ChildProcess, spawn } from 'node:child_process';
import { CLASSIFY_QUEUE, ClassifyQueue, connectionFromUrl } from '@switchboard/core';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cueLabel } from '../helpers/cue-model.js';
import { freePort } from '../helpers/free-port.js';
import { testRequest } from '../helpers/requests.js';
import {
  HostWorker,
  killHost,
  NamespaceHosts,
  processGroupHosts,
  type TestHost,
} from '../helpers/test-hosts.js';
import { createTestModels, SLOW_MODEL, type TestModels } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';

const HOSTS = 3;
const WORKERS_PER_HOST = 2;
// Short locks: a dead host's jobs come back within seconds, not the default 30 s.
const WORKER_ENV = {
  WORKER_LOCK_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  WORKER_CONCURRENCY: '4',
  SWITCHBOARD_WORKER_MODELS: SLOW_MODEL,
};

// Namespaces need root and a kernel that allows them; where they cannot be made the same
// scenario runs with each host a separate process group, and the reason is printed.
let namespaces: NamespaceHosts | undefined;
let reason = '';
try {
  // SWITCHBOARD_TEST_NO_NETNS=1 runs the fallback on a machine that could make namespaces.
  if (process.env.SWITCHBOARD_TEST_NO_NETNS === '1') throw new Error('SWITCHBOARD_TEST_NO_NETNS=1');
  namespaces = await NamespaceHosts.create(HOSTS);
} catch (err) {
  reason = (err as Error).message.split('\n')[0] ?? String(err);
  console.warn(`three-hosts: network namespaces cannot be made here (${reason}); running as process groups`);
}
const hosts: readonly TestHost[] = namespaces?.hosts ?? processGroupHosts(HOSTS);
const mode = namespaces
  ? 'network namespaces joined by veth pairs'
  : `process groups (no namespaces: ${reason})`;

let redis: ChildProcess | undefined;
let redisPort = 0;
let models: TestModels;
let queue: ClassifyQueue;
let raw: Queue;
const prefix = 'hosts';

beforeAll(async () => {
  // Tens of ms a batch: a kill lands while the victim still holds jobs.
  models = await createTestModels({ slow: { rows: 256 } });
  redisPort = await freePort();
  // One Redis for every host, listening on the address each host reaches it at.
  const binds = ['127.0.0.1', ...(namespaces?.bindAddresses ?? [])];
  redis = spawn(
    'redis-server',
    [
      '--port',
      String(redisPort),
      '--bind',
      ...binds,
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'no',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${redisPort}`;
  queue = await waitFor(() => ClassifyQueue.connect({ redisUrl: url, prefix }).catch(() => undefined), {
    what: 'the private redis-server',
  });
  raw = new Queue(CLASSIFY_QUEUE, { connection: connectionFromUrl(url), prefix });
  for (const host of hosts) {
    for (let i = 0; i < WORKERS_PER_HOST; i++) {
      await HostWorker.start(host, {
        ...WORKER_ENV,
        REDIS_URL: `redis://${host.redisHost}:${redisPort}`,
        SWITCHBOARD_QUEUE_PREFIX: prefix,
        SWITCHBOARD_MODELS: models.dir,
      });
    }
  }
}, 180_000);

afterAll(async () => {
  await raw?.close();
  await queue?.close();
  await Promise.all(hosts.flatMap((h) => h.workers.map((w) => w.stop())));
  await namespaces?.remove();
  redis?.kill('SIGKILL');
  await models?.remove();
}, 60_000);

/** Which host ran a job (BullMQ's `processedBy` holds the worker's pid). */
function hostOf(processedBy: string | undefined): string | undefined {
  return hosts.find((h) => h.workers.some((w) => processedBy?.includes(`-${w.pid}-`)))?.name;
}

const TEXTS = ['a sunny day', 'a rainy day', 'nothing at all'];

describe(`three hosts as ${mode}`, () => {
  it('spreads jobs across the hosts', async () => {
    const requests = Array.from({ length: 240 }, (_, i) => testRequest(SLOW_MODEL, [TEXTS[i % 3]!]));
    const results = await Promise.all(requests.map((r) => queue.enqueueAndWait(r, 60_000)));
    expect(results.map((r) => r.results[0]!.top.label)).toEqual(requests.map((r) => cueLabel(r.texts[0]!)));
    const jobs = await Promise.all(requests.map((r) => raw.getJob(r.id)));
    const perHost = new Map<string, number>();
    for (const job of jobs) {
      const host = hostOf(job?.processedBy);
      expect(host, `job ${job?.id} processed by ${job?.processedBy}`).toBeDefined();
      perHost.set(host!, (perHost.get(host!) ?? 0) + 1);
    }
    console.log(`three-hosts (${mode}): jobs per host ${JSON.stringify(Object.fromEntries(perHost))}`);
    expect(perHost.size).toBe(HOSTS);
    for (const n of perHost.values()) expect(n).toBeGreaterThanOrEqual(10);
  }, 120_000);

  it('loses no job when every process of one host is killed in the middle of the work', async () => {
    const victim = hosts[1]!;
    const requests = Array.from({ length: 240 }, (_, i) => testRequest(SLOW_MODEL, [TEXTS[i % 3]!]));
    const answers = requests.map((r) => queue.enqueueAndWait(r, 90_000));
    // Kill once the victim holds jobs: they must come back to the other hosts.
    await waitFor(
      async () => {
        const active = await raw.getJobs(['active']);
        return active.filter((j) => hostOf(j.processedBy) === victim.name).length >= 2;
      },
      { timeoutMs: 30_000, intervalMs: 20, what: 'the victim host to hold jobs' },
    );
    await killHost(victim);
    const results = await Promise.all(answers);
    expect(results.map((r) => r.results[0]!.top.label)).toEqual(requests.map((r) => cueLabel(r.texts[0]!)));
    const counts = await queue.counts();
    expect(counts).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    const jobs = await Promise.all(requests.map((r) => raw.getJob(r.id)));
    const recovered = jobs.filter((j) => (j?.stalledCounter ?? 0) > 0);
    console.log(`three-hosts (${mode}): ${recovered.length} jobs taken back from the killed host`);
    expect(recovered.length).toBeGreaterThan(0);
    // The jobs taken back finished on the surviving hosts.
    expect(recovered.every((j) => hostOf(j?.processedBy) !== victim.name)).toBe(true);
  }, 150_000);
});
