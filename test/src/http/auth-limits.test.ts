import { fork } from 'node:child_process';
import { ApiKeyring, authMode } from '@switchboard/plugin-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.js';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { REPO_ROOT } from '../helpers/worker-process.js';
import { type Api, type Backend, call, HTTP_MAIN, KEYS, startApi, startBackend } from './http-stack.js';

let backend: Backend;
let api: Api;

beforeAll(async () => {
  backend = await startBackend();
  api = await startApi(backend);
});

afterAll(async () => {
  await api?.close();
  await backend?.close();
});

describe('API keys', () => {
  it('answers 401 without a key, with a wrong key and with a malformed header; 200 with a right one', async () => {
    const missing = await call(api.url, 'GET', '/v1/models', { key: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect(missing.body).toEqual({
      error: 'Missing API key: send "Authorization: Bearer <key>".',
      code: 'unauthorized',
    });
    const wrong = await call(api.url, 'GET', '/v1/models', { key: `${KEYS.alice}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toContain('Invalid API key');
    expect(JSON.stringify(wrong.body)).not.toContain(KEYS.alice);
    const basic = await call(api.url, 'GET', '/v1/models', {
      key: null,
      headers: { authorization: `Basic ${Buffer.from(`u:${KEYS.alice}`).toString('base64')}` },
    });
    expect(basic.status).toBe(401);
    for (const key of [KEYS.alice, KEYS.bob]) {
      expect((await call(api.url, 'GET', '/v1/models', { key })).status).toBe(200);
    }
    const classify = await call(api.url, 'POST', '/v1/classify', { key: null, body: { inputs: 'sunny' } });
    expect(classify.status).toBe(401);
  });

  it('parses name:key entries, names unnamed keys by digest and refuses short or duplicate keys', () => {
    const ring = ApiKeyring.parse(` ci:${KEYS.alice} , ${KEYS.bob} `);
    expect(ring.size).toBe(2);
    expect(ring.names[0]).toBe('ci');
    expect(ring.names[1]).toMatch(/^key-[0-9a-f]{8}$/);
    expect(ring.verify(KEYS.alice)).toBe('ci');
    expect(ring.verify(KEYS.bob)).toBe(ring.names[1]);
    expect(ring.verify(KEYS.bob.slice(0, -1))).toBeUndefined();
    expect(ring.verify('')).toBeUndefined();
    expect(() => ApiKeyring.parse('ci:short')).toThrow(/at least 16 characters/);
    expect(() => ApiKeyring.parse(`${KEYS.alice},${KEYS.alice}`)).toThrow(/duplicate key/);
    expect(() => ApiKeyring.parse(`a:${KEYS.alice},a:${KEYS.bob}`)).toThrow(/used twice/);
    // A key with a colon is taken whole when what precedes it is no valid name.
    expect(ApiKeyring.parse('weird/name:0123456789abcdef').verify('weird/name:0123456789abcdef')).toMatch(
      /^key-/,
    );
  });

  it('allows the key-less mode on loopback only', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost'])
      expect(authMode({ host, apiKeys: '' }).kind).toBe('local');
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      expect(() => authMode({ host, apiKeys: '' })).toThrow(/refusing to serve without keys/);
    }
    expect(authMode({ host: '0.0.0.0', apiKeys: KEYS.alice }).kind).toBe('keys');
  });

  it('refuses to start bound beyond loopback without keys, saying what to set', async () => {
    const child = fork(HTTP_MAIN, [], {
      cwd: REPO_ROOT,
      execArgv: [],
      env: { ...process.env, HTTP_HOST: '0.0.0.0', HTTP_PORT: '0', HTTP_API_KEYS: '', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('HTTP_API_KEYS is empty');
    expect(stderr).toContain('127.0.0.1');
  });

  it('serves without keys on loopback, announcing the local mode loudly', async () => {
    const prefix = uniquePrefix('http-local');
    const child = fork(HTTP_MAIN, [], {
      cwd: REPO_ROOT,
      execArgv: [],
      env: {
        ...process.env,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(await freePort()),
        HTTP_API_KEYS: '',
        REDIS_URL: SHARED_REDIS_URL,
        SWITCHBOARD_QUEUE_PREFIX: prefix,
        SWITCHBOARD_MODELS: backend.models.dir,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    try {
      const ready = await new Promise<{ url: string; detail: string }>((resolve, reject) => {
        child.on('message', (m: { type?: string; url: string; detail: string }) => {
          if (m?.type === 'ready') resolve(m);
        });
        child.once('exit', (c) => reject(new Error(`http-main exited with ${c}: ${stderr}`)));
      });
      expect(ready.detail).toContain('LOCAL MODE');
      expect(stderr).toContain('LOCAL DEVELOPMENT MODE');
      const res = await call(ready.url, 'GET', '/v1/models', { key: null });
      expect(res.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await deletePrefixKeys(SHARED_REDIS_URL, prefix);
    }
  });
});

describe('limits', () => {
  it('answers 429 with Retry-After once a key used its requests per minute; other keys go on', async () => {
    // Counters live in Redis under the queue prefix (shared by every copy of the API): a fresh one.
    const prefix = uniquePrefix('http-rate');
    const limited = await startApi({ ...backend, prefix }, { rateLimitPerMinute: 3 });
    try {
      for (let i = 0; i < 3; i++) {
        const ok = await call(limited.url, 'GET', '/v1/models');
        expect(ok.status).toBe(200);
        expect(ok.headers.get('ratelimit-remaining')).toBe(String(2 - i));
      }
      const over = await call(limited.url, 'POST', '/v1/classify', { body: { inputs: 'sunny' } });
      expect(over.status).toBe(429);
      expect(over.body.code).toBe('rate_limited');
      const retryAfter = Number(over.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((await call(limited.url, 'GET', '/v1/models', { key: KEYS.bob })).status).toBe(200);
      // Health and metrics stay reachable for probes whatever the budget.
      expect((await call(limited.url, 'GET', '/healthz')).status).toBe(200);
    } finally {
      await limited.close();
      await deletePrefixKeys(backend.redisUrl, prefix);
    }
  });

  it('answers 429 with Retry-After while the queue holds as many unfinished jobs as its depth limit', async () => {
    // A prefix no worker consumes, so enqueued jobs stay.
    const prefix = uniquePrefix('http-depth');
    const full = await startApi({ ...backend, prefix }, { maxQueueDepth: 2 });
    try {
      for (let i = 0; i < 2; i++) {
        const accepted = await call(full.url, 'POST', '/v1/classify', {
          body: { inputs: 'sunny', wait: false },
        });
        expect(accepted.status).toBe(202);
      }
      const over = await call(full.url, 'POST', '/v1/classify', { body: { inputs: 'sunny' } });
      expect(over.status).toBe(429);
      expect(over.body.code).toBe('queue_full');
      expect(over.body.error).toContain('2 jobs queued');
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const predict = await call(full.url, 'POST', '/predict', { body: { inputs: 'sunny' } });
      expect(predict.status).toBe(429);
      expect(predict.body.error_type).toBe('Overloaded');
    } finally {
      await full.close();
      await deletePrefixKeys(backend.redisUrl, prefix);
    }
  });
});
