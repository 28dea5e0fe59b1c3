import { ClassifyQueue } from '@switchboard/core';
import { Dashboard, type OverviewSnapshot } from '@switchboard/dashboard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../helpers/redis-server.js';
import { testRequest } from '../helpers/requests.js';
import { waitFor } from '../helpers/wait-for.js';

const TOKEN = 'outage-test-token';
const USER = { name: 'ops', password: 'ops-password-1', role: 'viewer' } as const;

function login(): Promise<Response> {
  return fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams({ user: USER.name, password: USER.password }),
    redirect: 'manual',
  });
}
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
    credentials: { users: [USER], token: TOKEN },
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

    const signedIn = await login();
    expect(signedIn.status).toBe(303);
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;

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
    // Sessions and failed-login counts are in Redis: say it is unreachable, never "log in again".
    const session = await fetch(`${url}/api/session`, { headers: { cookie } });
    expect(session.status).toBe(503);
    expect(await session.json()).toMatchObject({ error: 'redis_unavailable' });
    const refused = await login();
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain('cannot reach Redis');
    const health = (await (await fetch(`${url}/healthz`)).json()) as { status: string; redis: string };
    expect(health.status).toBe('ok');
    expect(health.redis).not.toBe('connected');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_dashboard_redis_connected\{service="dashboard"\} 0/);
    // Sessions live in Redis: their count is unknown, not 0 (prom-client writes NaN as "Nan").
    expect(metrics).toMatch(/switchboard_dashboard_sessions\{service="dashboard"\} NaN$/im);

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
