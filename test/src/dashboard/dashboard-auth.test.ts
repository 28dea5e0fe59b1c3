import { ClassifyQueue } from '@switchboard/core';
import {
  credentialsFromEnv,
  Dashboard,
  type DashboardOptions,
  dashboardOptionsFromEnv,
} from '@switchboard/dashboard';
import { afterAll, describe, expect, it } from 'vitest';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { testRequest } from '../helpers/requests.js';

const prefix = uniquePrefix('dash-auth');
const started: Dashboard[] = [];
const prefixes = [prefix];

afterAll(async () => {
  await Promise.all(started.map((d) => d.close()));
  for (const p of prefixes) await deletePrefixKeys(SHARED_REDIS_URL, p);
});

function options(overrides: Partial<DashboardOptions> = {}): DashboardOptions {
  return {
    port: 0,
    host: '127.0.0.1',
    redisUrl: SHARED_REDIS_URL,
    prefix,
    latencySample: 100,
    secureCookie: 'auto',
    logLevel: 'silent',
    credentials: { users: [] },
    ...overrides,
  };
}

async function start(overrides: Partial<DashboardOptions> = {}): Promise<string> {
  if (overrides.prefix) prefixes.push(overrides.prefix);
  const dashboard = new Dashboard(options(overrides));
  started.push(dashboard);
  return (await dashboard.start()).url;
}

/** A form login as a browser on the dashboard's own page sends it. */
function login(url: string, user: string, password: string): Promise<Response> {
  return fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams({ user, password, next: '/' }),
    redirect: 'manual',
  });
}

describe('dashboard credentials from the environment', () => {
  it('reads DASHBOARD_USERS (passwords may hold ":"), the admin/viewer passwords and the token', () => {
    const config = credentialsFromEnv({
      DASHBOARD_USERS: 'alice:pa:ss:word1:admin, bob:viewer-pw-1:viewer',
      DASHBOARD_VIEWER_PASSWORD: 'viewer-password',
      DASHBOARD_TOKEN: 'a-long-admin-token',
    });
    expect(config.users).toEqual([
      { name: 'alice', password: 'pa:ss:word1', role: 'admin' },
      { name: 'bob', password: 'viewer-pw-1', role: 'viewer' },
      { name: 'viewer', password: 'viewer-password', role: 'viewer' },
    ]);
    expect(config.token).toBe('a-long-admin-token');
  });

  it('names the mistake without repeating the password', () => {
    const wrongRole = () => credentialsFromEnv({ DASHBOARD_USERS: 'carol:secret-pw-9:owner' });
    expect(wrongRole).toThrow(/DASHBOARD_USERS: entry 1 \(carol\) has role "owner"; use admin or viewer/);
    expect(wrongRole).not.toThrow(/secret-pw-9/);
    expect(() => credentialsFromEnv({ DASHBOARD_USERS: 'dave-only' })).toThrow(
      /entry 1 is not "name:password:role"/,
    );
    expect(() => credentialsFromEnv({ DASHBOARD_ADMIN_PASSWORD: 'short' })).toThrow(/shorter than 8/);
    expect(() =>
      credentialsFromEnv({
        DASHBOARD_USERS: 'admin:first-pw-1:admin',
        DASHBOARD_ADMIN_PASSWORD: 'second-pw-2',
      }),
    ).toThrow(/"admin" is configured twice/);
    expect(() => dashboardOptionsFromEnv({ DASHBOARD_PORT: 'eighty' })).toThrow(/^DASHBOARD_PORT:/);
  });
});

describe('dashboard without credentials', () => {
  it('refuses to start on a non-loopback address and says what to set', async () => {
    const dashboard = new Dashboard(options({ host: '0.0.0.0' }));
    await expect(dashboard.start()).rejects.toThrow(/without any login\. Set DASHBOARD_USERS/);
    await dashboard.close();
  });

  it('runs in a loud development mode on loopback: no login, still CSRF-protected', async () => {
    const url = await start();
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Development mode: no credentials are configured');
    const session = (await (await fetch(`${url}/api/session`)).json()) as {
      devMode: boolean;
      csrfToken: string;
    };
    expect(session).toMatchObject({ devMode: true, role: 'admin' });

    const noToken = await fetch(`${url}/api/queues/classify/pause`, {
      method: 'POST',
      headers: { origin: url },
    });
    expect(noToken.status).toBe(403);
    const paused = await fetch(`${url}/api/queues/classify/pause`, {
      method: 'POST',
      headers: { origin: url, 'x-csrf-token': session.csrfToken },
    });
    expect(await paused.json()).toEqual({ queue: 'classify', action: 'pause' });
    const resumed = await fetch(`${url}/api/queues/classify/resume`, {
      method: 'POST',
      headers: { origin: url, 'x-csrf-token': session.csrfToken },
    });
    expect(resumed.status).toBe(200);
  });
});

describe('dashboard login', () => {
  it('sets an httpOnly, SameSite=Strict session cookie, Secure when asked to', async () => {
    const url = await start({
      credentials: { users: [{ name: 'admin', password: 'admin-pass-1', role: 'admin' }] },
      secureCookie: 'true',
    });
    const res = await login(url, 'admin', 'admin-pass-1');
    expect(res.status).toBe(303);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^switchboard_dashboard=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Secure');
  });

  it('refuses a login posted from another site', async () => {
    const url = await start({
      credentials: { users: [{ name: 'admin', password: 'admin-pass-1', role: 'admin' }] },
    });
    const res = await fetch(`${url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
      body: new URLSearchParams({ user: 'admin', password: 'admin-pass-1' }),
      redirect: 'manual',
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('throttles an address after ten wrong passwords, even for the right one', async () => {
    // Failed logins are counted in Redis under the prefix: its own, so the other tests' logins
    // from this same address are not throttled.
    const url = await start({
      prefix: uniquePrefix('dash-throttle'),
      credentials: { users: [{ name: 'ops', password: 'viewer-pass-1', role: 'viewer' }] },
    });
    for (let i = 0; i < 10; i++) expect((await login(url, 'ops', `guess-${i}`)).status).toBe(401);
    const blocked = await login(url, 'ops', 'viewer-pass-1');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await blocked.text()).toContain('Too many failed logins');
  });

  it('accepts the admin token as a bearer header (no CSRF needed) and on the login form', async () => {
    const url = await start({ credentials: { users: [], token: 'the-admin-token-123' } });
    expect(
      (await fetch(`${url}/api/overview`, { headers: { authorization: 'Bearer wrong-token-000' } })).status,
    ).toBe(401);
    const overview = await fetch(`${url}/api/overview`, {
      headers: { authorization: 'Bearer the-admin-token-123' },
    });
    expect(overview.status).toBe(200);
    const pause = await fetch(`${url}/api/queues/classify/retry-failed`, {
      method: 'POST',
      headers: { authorization: 'Bearer the-admin-token-123' },
    });
    expect(await pause.json()).toEqual({ queue: 'classify', action: 'retry-failed', jobs: 0 });
    const form = await login(url, '', 'the-admin-token-123');
    expect(form.status).toBe(303);
  });

  it('answers 404 for an unknown queue and 404/409 for jobs that cannot be retried', async () => {
    const url = await start({ credentials: { users: [], token: 'the-admin-token-123' } });
    const headers = { authorization: 'Bearer the-admin-token-123' };
    const noQueue = await fetch(`${url}/api/queues/nope/pause`, { method: 'POST', headers });
    expect(noQueue.status).toBe(404);
    expect(((await noQueue.json()) as { message: string }).message).toContain('No queue "nope"');
    const noJob = await fetch(`${url}/api/queues/classify/jobs/missing-job/retry`, {
      method: 'POST',
      headers,
    });
    expect(noJob.status).toBe(404);
    // No worker serves this prefix, so the job stays waiting: there is nothing to retry.
    const producer = await ClassifyQueue.connect({ redisUrl: SHARED_REDIS_URL, prefix });
    try {
      const id = await producer.enqueue(testRequest('any-model', ['hello']));
      const waiting = await fetch(`${url}/api/queues/classify/jobs/${id}/retry`, { method: 'POST', headers });
      expect(waiting.status).toBe(409);
      expect(((await waiting.json()) as { message: string }).message).toContain('is waiting, not failed');
    } finally {
      await producer.close();
    }
  });
});
