import { ClassifyQueue, queuePrefix } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisCluster } from '../helpers/redis-cluster.js';
import { testRequest } from '../helpers/requests.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';
import { type Api, KEYS, startApi } from '../http/http-stack.js';

let cluster: RedisCluster;
let models: TestModels;
let worker: WorkerProcess | undefined;
let queue: ClassifyQueue | undefined;
let api: Api | undefined;

beforeAll(async () => {
  cluster = await RedisCluster.start(3);
  models = await createTestModels();
}, 60_000);

afterAll(async () => {
  await api?.close();
  await queue?.close();
  await worker?.stop();
  await cluster?.stop();
  await models?.remove();
});

describe('a Redis Cluster of 3 masters', () => {
  it('carries jobs end to end, with the queue keys hash-tagged into one slot', async () => {
    const [first] = cluster.ports;
    // The worker names the cluster with REDIS_CLUSTER_NODES, the producer with a redis-cluster:// URL.
    worker = await startWorker({
      redisUrl: `redis://127.0.0.1:${first}`,
      prefix: 'switchboard',
      modelsDir: models.dir,
      env: { REDIS_CLUSTER_NODES: cluster.nodes },
    });
    const url = `redis-cluster://${cluster.nodes}`;
    queue = await ClassifyQueue.connect({ redisUrl: url, prefix: 'switchboard' });
    expect(queuePrefix('switchboard', url)).toBe('{switchboard}');

    const texts = ['a sunny day', 'a rainy day', 'sunny again'];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        queue!.enqueueAndWait(testRequest(FAST_MODEL, [texts[i % 3]!]), 20_000),
      ),
    );
    expect(results.map((r) => r.results[0]!.top.label)).toEqual(
      Array.from({ length: 30 }, (_, i) => (i % 3 === 1 ? 'negative' : 'positive')),
    );
    expect(await queue.counts()).toMatchObject({ waiting: 0, active: 0, completed: 30 });

    // Every key of the queue lives in the slot of its hash tag, whichever node owns it.
    const slot = await cluster.command('CLUSTER', 'KEYSLOT', '{switchboard}');
    expect(await cluster.command('CLUSTER', 'KEYSLOT', '{switchboard}:classify:completed')).toBe(slot);
    expect(await cluster.command('EXISTS', '{switchboard}:classify:completed')).toBe('1');
    expect(await cluster.command('EXISTS', 'switchboard:classify:completed')).toBe('0');

    // The HTTP API on the same cluster: its producer, its QueueEvents and its rate limiter.
    api = await startApi({ redisUrl: url, prefix: 'switchboard', models }, { rateLimitPerMinute: 5 });
    const post = () =>
      fetch(`${api!.url}/v1/classify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: FAST_MODEL, inputs: ['a rainy day'] }),
      });
    const ok = await post();
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { results: { top: { label: string } }[] }).results[0]!.top.label).toBe(
      'negative',
    );
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await post()).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  }, 60_000);
});
