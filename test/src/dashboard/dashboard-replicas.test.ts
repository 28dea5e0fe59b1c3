import {
  Dashboard,
  type DashboardOptions,
  dashboardOptionsFromEnv,
  TrustedProxies,
} from '@switchboard/dashboard';
import { afterAll, describe, expect, it } from 'vitest';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';

// Several dashboard replicas behind one Service: sessions, failed-login counts and the CSRF origin
// check must hold whichever replica a request lands on.

const started: Dashboard[] = [];
const prefixes: string[] = [];
const USERS = [
  { name: 'alice', password: 'alice-pass-1', role: 'admin' as const },
  { name: 'bob', password: 'bob-pass-22', role: 'viewer' as const },
];

afterAll(async () => {
  await Promise.all(started.map((d) => d.close()));
  for (const p of prefixes) await deletePrefixKeys(SHARED_REDIS_URL, p);
});

function freshPrefix(tag: string): string {
  const p = uniquePrefix(tag);
  prefixes.push(p);
  return p;
}

async function start(prefix: string, overrides: Partial<DashboardOptions> = {}): Promise<string> {
  const dashboard = new Dashboard({
    port: 0,
    host: '127.0.0.1',
    redisUrl: SHARED_REDIS_URL,
    prefix,
    latencySample: 100,
    secureCookie: 'auto',
    logLevel: 'silent',
    credentials: { users: USERS },
    ...overrides,
  });
  started.push(dashboard);
  return (await dashboard.start()).url;
}

/** A form login; `origin` is the page it was posted from (the dashboard's own URL by default). */
function login(
  url: string,
  user: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, ...headers },
    body: new URLSearchParams({ user, password, next: '/' }),
    redirect: 'manual',
  });
}

function cookieOf(res: Response): string {
  const set = res.headers.get('set-cookie') ?? '';
  const pair = set.split(';')[0] ?? '';
  expect(pair).toMatch(/^switchboard_dashboard=/);
  return pair;
}

async function session(url: string, cookie: string): Promise<Response> {
  return fetch(`${url}/api/session`, { headers: { cookie } });
}

async function sessionsGauge(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('switchboard_dashboard_sessions'));
  return Number(line?.split(' ').pop());
}

describe('dashboard replicas sharing one Redis', () => {
  it('a login on one replica is valid on the other, and a logout on either ends it on both', async () => {
    const prefix = freshPrefix('dash-replicas');
    const a = await start(prefix);
    const b = await start(prefix);

    const res = await login(a, 'alice', 'alice-pass-1');
    expect(res.status).toBe(303);
    const cookie = cookieOf(res);
    for (const url of [a, b]) {
      const seen = await session(url, cookie);
      expect(seen.status, url).toBe(200);
      expect(await seen.json()).toMatchObject({ user: 'alice', role: 'admin', via: 'session' });
    }
    expect(await sessionsGauge(a)).toBe(1);
    expect(await sessionsGauge(b)).toBe(1);

    // The CSRF token belongs to the session, so a page served by A can act through B.
    const { csrfToken } = (await (await session(a, cookie)).json()) as { csrfToken: string };
    const paused = await fetch(`${b}/api/queues/classify/pause`, {
      method: 'POST',
      headers: { cookie, origin: b, 'x-csrf-token': csrfToken },
    });
    expect(await paused.json()).toEqual({ queue: 'classify', action: 'pause' });

    const out = await fetch(`${b}/logout`, {
      method: 'POST',
      headers: { cookie, origin: b, 'x-csrf-token': csrfToken },
      redirect: 'manual',
    });
    expect(out.status).toBe(303);
    for (const url of [a, b]) expect((await session(url, cookie)).status, url).toBe(401);
    expect(await sessionsGauge(a)).toBe(0);
  });

  it('keeps no cookie value in Redis: a forged cookie naming a stored key is refused', async () => {
    const prefix = freshPrefix('dash-replicas');
    const a = await start(prefix);
    const cookie = cookieOf(await login(a, 'bob', 'bob-pass-22'));
    const id = cookie.split('=')[1]!;
    const { Redis } = await import('ioredis');
    const redis = new Redis(SHARED_REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}:dashboard:session:*`);
      expect(keys).toHaveLength(1);
      expect(keys[0]).not.toContain(id);
      const stored = (await redis.get(keys[0]!)) ?? '';
      expect(stored).not.toContain(id);
      expect(JSON.parse(stored)).toMatchObject({ user: 'bob', role: 'viewer' });
      const ttl = await redis.pttl(keys[0]!);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(8 * 3_600_000);
      const digest = keys[0]!.slice(`${prefix}:dashboard:session:`.length);
      expect((await session(a, `switchboard_dashboard=${digest}`)).status).toBe(401);
    } finally {
      redis.disconnect();
    }
  });

  it('counts failed logins over all replicas: ten on one block the address on the other', async () => {
    const prefix = freshPrefix('dash-throttle');
    const a = await start(prefix);
    const b = await start(prefix);
    for (let i = 0; i < 10; i++) {
      expect((await login(i % 2 === 0 ? a : b, 'alice', `guess-${i}`)).status).toBe(401);
    }
    for (const url of [a, b]) {
      const blocked = await login(url, 'alice', 'alice-pass-1');
      expect(blocked.status, url).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });
});

describe('login throttling behind a reverse proxy', () => {
  it('ignores X-Forwarded-For unless the peer is a trusted proxy', async () => {
    const prefix = freshPrefix('dash-untrusted');
    const url = await start(prefix);
    // A guesser who makes up a new X-Forwarded-For each time still counts as one address.
    for (let i = 0; i < 10; i++) {
      const res = await login(url, 'alice', `guess-${i}`, { 'x-forwarded-for': `198.51.100.${i + 1}` });
      expect(res.status).toBe(401);
    }
    const next = await login(url, 'alice', 'alice-pass-1', { 'x-forwarded-for': '198.51.100.200' });
    expect(next.status).toBe(429);
  });

  it('keys the throttle on the client behind a trusted proxy, which a client cannot choose', async () => {
    const prefix = freshPrefix('dash-trusted');
    // The test's requests come from 127.0.0.1: here, the proxy.
    const url = await start(prefix, { trustedProxies: ['127.0.0.1', '10.0.0.0/8'] });
    const guesser = '203.0.113.7';
    for (let i = 0; i < 10; i++) {
      const res = await login(url, 'alice', `guess-${i}`, { 'x-forwarded-for': guesser });
      expect(res.status).toBe(401);
    }
    // The guesser is blocked, also when it prepends a made-up address (the proxy appends the real one)
    // and when a second trusted proxy sits in between.
    for (const chain of [guesser, `192.0.2.99, ${guesser}`, `${guesser}, 10.1.2.3`]) {
      const res = await login(url, 'alice', 'alice-pass-1', { 'x-forwarded-for': chain });
      expect(res.status, chain).toBe(429);
    }
    // Another client behind the same proxy logs in.
    const other = await login(url, 'alice', 'alice-pass-1', { 'x-forwarded-for': '203.0.113.8' });
    expect(other.status).toBe(303);
  });

  it('TrustedProxies picks the right-most untrusted hop and refuses malformed entries', () => {
    const proxies = new TrustedProxies(['10.0.0.0/8', '::1', '127.0.0.1']);
    expect(proxies.clientAddress('::ffff:10.0.0.5', '1.1.1.1, 2.2.2.2, 10.9.9.9')).toBe('2.2.2.2');
    expect(proxies.clientAddress('10.0.0.5', '10.0.0.6, 10.0.0.7')).toBe('10.0.0.6');
    expect(proxies.clientAddress('::1', undefined)).toBe('::1');
    expect(proxies.clientAddress('192.0.2.1', '1.1.1.1')).toBe('192.0.2.1');
    expect(new TrustedProxies([]).clientAddress('127.0.0.1', '1.1.1.1')).toBe('127.0.0.1');
    expect(() => new TrustedProxies(['10.0.0.0/33'])).toThrow(/"10\.0\.0\.0\/33" is not an IP address/);
    expect(() => new TrustedProxies(['proxy.local'])).toThrow(/is not an IP address or CIDR range/);
    expect(dashboardOptionsFromEnv({ DASHBOARD_TRUSTED_PROXIES: '10.0.0.0/8, ::1' }).trustedProxies).toEqual([
      '10.0.0.0/8',
      '::1',
    ]);
    expect(() => dashboardOptionsFromEnv({ DASHBOARD_TRUSTED_PROXIES: '10.0.0.0/8,nope' })).toThrow(
      /^DASHBOARD_TRUSTED_PROXIES: "nope" is not an IP address/,
    );
  });
});

describe('DASHBOARD_PUBLIC_ORIGIN', () => {
  const PUBLIC = 'https://dashboard.example.test';

  it('is the origin a login and every change must come from behind a proxy', async () => {
    const prefix = freshPrefix('dash-origin');
    const url = await start(prefix, { publicOrigins: [PUBLIC] });

    // The proxy forwards to the pod, so Host is the pod's address, and the page's origin is PUBLIC.
    const direct = await login(url, 'alice', 'alice-pass-1');
    expect(direct.status).toBe(403);
    const evil = await login(url, 'alice', 'alice-pass-1', { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    const res = await login(url, 'alice', 'alice-pass-1', { origin: PUBLIC });
    expect(res.status).toBe(303);
    // auto: an HTTPS public origin means the cookie only travels over HTTPS.
    expect(res.headers.get('set-cookie')).toContain('Secure');
    const cookie = cookieOf(res);
    const { csrfToken } = (await (await session(url, cookie)).json()) as { csrfToken: string };

    const refused = await fetch(`${url}/api/queues/classify/pause`, {
      method: 'POST',
      headers: { cookie, origin: url, 'x-csrf-token': csrfToken },
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'cross_site' });
    const paused = await fetch(`${url}/api/queues/classify/pause`, {
      method: 'POST',
      headers: { cookie, referer: `${PUBLIC}/`, 'x-csrf-token': csrfToken },
    });
    expect(await paused.json()).toEqual({ queue: 'classify', action: 'pause' });
  });

  it('is read from the environment as an origin, and anything else names the variable', () => {
    const o = dashboardOptionsFromEnv({
      DASHBOARD_PUBLIC_ORIGIN: 'https://Dashboard.Example.test:8443/, http://10.0.0.9:3100',
    });
    expect(o.publicOrigins).toEqual(['https://dashboard.example.test:8443', 'http://10.0.0.9:3100']);
    expect(() => dashboardOptionsFromEnv({ DASHBOARD_PUBLIC_ORIGIN: 'https://example.test/dash' })).toThrow(
      /^DASHBOARD_PUBLIC_ORIGIN: "https:\/\/example\.test\/dash" is not an origin/,
    );
    expect(() => dashboardOptionsFromEnv({ DASHBOARD_PUBLIC_ORIGIN: 'dashboard.example.test' })).toThrow(
      /^DASHBOARD_PUBLIC_ORIGIN:/,
    );
  });
});
