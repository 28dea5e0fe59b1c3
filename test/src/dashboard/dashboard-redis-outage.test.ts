import { ClassifyQueue } from '@switchboard/core';
import { Dashboard, type OverviewSnapshot } from '@switchboard/dashboard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../helpers/redis-server.js';
import { testRequest } from '../helpers/requests.js';
import { waitFor } from '../helpers/wait-for.js';

const TOKEN = 'outage-test-token';
let redis: RedisServer;
let dashboard: Dashboard;
let url: string;

beforeAll(async () => {
  // Its own redis-server: this test stops Redis, which the shared one must never be.
  redis = await RedisServer.start();
  dashboard = new Dashboard({
    port: 0,
    host: '127.0.0.1',
    redisUrl: redis.url,
    prefix: 'outage',
    latencySample: 100,
    secureCookie: 'auto',
    logLevel: 'silent',
    credentials: { users: [], token: TOKEN },
  });
  url = (await dashboard.start()).url;
});

afterAll(async () => {
  await dashboard?.close();
  await redis?.close();
});

async function overview(): Promise<OverviewSnapshot> {
  const res = await fetch(`${url}/api/overview`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as OverviewSnapshot;
}

describe('dashboard while Redis is down', () => {
  it('keeps serving, says Redis is not connected, and recovers by itself', async () => {
    const producer = await ClassifyQueue.connect({ redisUrl: redis.url, prefix: 'outage' });
    await producer.enqueue(testRequest('some-model', ['hello']));
    await producer.close();
    await waitFor(async () => (await overview()).queues[0]?.counts.waiting === 1, {
      what: 'one waiting job',
    });

    await redis.stop();
    const down = await waitFor(
      async () => {
        const snap = await overview();
        return snap.redis.status !== 'ready' ? snap : undefined;
      },
      { what: 'the overview to report Redis down' },
    );
    expect(down.problems.join(' ')).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+\/? is not connected/);
    expect(down.queues).toEqual([]);
    const health = (await (await fetch(`${url}/healthz`)).json()) as { status: string; redis: string };
    expect(health.status).toBe('ok');
    expect(health.redis).not.toBe('connected');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_dashboard_redis_connected 0/);

    await redis.resume();
    const back = await waitFor(
      async () => {
        const snap = await overview();
        return snap.redis.status === 'ready' && snap.queues.length > 0 ? snap : undefined;
      },
      { what: 'the overview to recover after Redis came back', timeoutMs: 30_000 },
    );
    expect(back.problems).toEqual([]);
    expect(back.redis.memory?.usedBytes).toBeGreaterThan(0);
  });
});
