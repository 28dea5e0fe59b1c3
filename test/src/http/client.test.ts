import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthError,
  backoffDelay,
  InvalidInputError,
  NotFoundError,
  parseRetryAfter,
  RateLimitError,
  SwitchboardClient,
  SwitchboardHttpError,
  TimeoutError,
  UnavailableError,
} from '@switchboard/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUE_LABELS, cueLabel } from '../helpers/cue-model.js';
import { freePort } from '../helpers/free-port.js';
import { deletePrefixKeys } from '../helpers/redis-keys.js';
import { FAST_MODEL } from '../helpers/test-models.js';
import { type Api, type Backend, KEYS, startApi, startBackend } from './http-stack.js';

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

describe('SwitchboardClient against the real API', () => {
  it('classifies, lists models and looks jobs up', async () => {
    const client = new SwitchboardClient({ baseUrl: api.url, apiKey: KEYS.alice });
    const texts = ['sunny in town', 'rainy morning', 'the weather'];
    const res = await client.classify(texts, { model: FAST_MODEL });
    expect(res.results.map((r) => r.top.label)).toEqual(texts.map(cueLabel));
    const one = await client.classify('sunny');
    expect(one.results[0]!.top.label).toBe('positive');
    const job = await client.job(res.id);
    expect(job).toMatchObject({ id: res.id, state: 'completed', texts: 3 });
    expect(job.result).toEqual(res);
    const { models, default: fallback } = await client.models();
    expect(fallback).toBe(FAST_MODEL);
    expect(models.map((m) => [m.name, m.labels])).toEqual([[FAST_MODEL, [...CUE_LABELS]]]);
  });

  it('polls the job when the server answers 202', async () => {
    // A server that never waits: every classify is a 202 and the client must poll.
    const noWait = await startApi(backend, { waitTimeoutMs: 0 });
    try {
      const client = new SwitchboardClient({ baseUrl: noWait.url, apiKey: KEYS.alice });
      const res = await client.classify(['quite rainy', 'sunny'], { timeoutMs: 20_000 });
      expect(res.results.map((r) => r.top.label)).toEqual(['negative', 'positive']);
    } finally {
      await noWait.close();
    }
  });

  it('throws a TimeoutError carrying the job id when the job does not finish in time', async () => {
    const prefix = `${backend.prefix}-idle`;
    const idle = await startApi({ ...backend, prefix }, { waitTimeoutMs: 0 });
    try {
      const client = new SwitchboardClient({ baseUrl: idle.url, apiKey: KEYS.alice });
      const err = await client.classify('sunny', { timeoutMs: 400 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as TimeoutError).jobId).toMatch(/^http-/);
      expect((await client.job((err as TimeoutError).jobId!)).state).toBe('waiting');
    } finally {
      await idle.close();
      await deletePrefixKeys(backend.redisUrl, prefix);
    }
  });

  it('throws typed errors: 401 AuthError, 404 NotFoundError, 413/422 InvalidInputError', async () => {
    const noKey = new SwitchboardClient({ baseUrl: api.url });
    await expect(noKey.models()).rejects.toBeInstanceOf(AuthError);
    const wrong = new SwitchboardClient({ baseUrl: api.url, apiKey: 'not-the-key-0000000000' });
    const auth = await wrong.classify('sunny').catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(AuthError);
    expect(auth).toMatchObject({ status: 401, code: 'unauthorized' });
    const client = new SwitchboardClient({ baseUrl: api.url, apiKey: KEYS.alice });
    const unknown = await client.classify('sunny', { model: 'nope' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect((unknown as NotFoundError).message).toContain('Available models: weather');
    await expect(client.job('http-ffffffffffffffffffffffffffffffff')).rejects.toBeInstanceOf(NotFoundError);
    const empty = await client.classify(['ok', ' ']).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(InvalidInputError);
    expect(empty).toMatchObject({ status: 422, message: 'inputs[1] is empty' });
    const many = await client.classify(Array(65).fill('sunny')).catch((e: unknown) => e);
    expect(many).toMatchObject({ status: 413 });
    expect(many).toBeInstanceOf(InvalidInputError);
    expect(many).toBeInstanceOf(SwitchboardHttpError);
  });

  it('throws UnavailableError when nothing listens, after its retries', async () => {
    const client = new SwitchboardClient({
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      retries: 2,
      backoff: { baseMs: 5, maxMs: 10 },
    });
    const err = await client.models().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err).toMatchObject({ status: 0, code: 'unreachable' });
    expect((err as Error).message).toContain('Cannot reach Switchboard');
  });
});

/** A tiny server that answers from a script and records what it got. */
class ScriptedServer {
  readonly seen: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
  private server: Server | undefined;

  constructor(private readonly script: (n: number, req: IncomingMessage, res: ServerResponse) => void) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.seen.push({ method: req.method!, url: req.url!, headers: req.headers });
        this.script(this.seen.length, req, res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const RESULT = {
  id: 'http-1',
  model: 'm',
  version: '1',
  results: [{ labels: [{ label: 'a', score: 1 }], top: { label: 'a', score: 1 }, truncated: false }],
  queueMs: 0,
  inferenceMs: 0,
};

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

describe('SwitchboardClient retries', () => {
  it('retries a 429 after Retry-After and a 503 after backoff, with the same Idempotency-Key', async () => {
    const server = new ScriptedServer((n, _req, res) => {
      if (n === 1) json(res, 429, { error: 'slow down', code: 'rate_limited' }, { 'retry-after': '1' });
      else if (n === 2) json(res, 503, { error: 'redis down', code: 'queue_unavailable' });
      else json(res, 200, RESULT);
    });
    const url = await server.start();
    try {
      const client = new SwitchboardClient({
        baseUrl: url,
        apiKey: 'k',
        retries: 3,
        backoff: { baseMs: 10 },
      });
      expect(await client.classify('x')).toEqual(RESULT);
      expect(server.seen).toHaveLength(3);
      const keys = server.seen.map((s) => s.headers['idempotency-key']);
      expect(keys[0]).toMatch(/^client-/);
      expect(new Set(keys).size).toBe(1);
      expect(server.seen.every((s) => s.headers.authorization === 'Bearer k')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('honours Retry-After: the retry comes no sooner than the server asked', async () => {
    const at: number[] = [];
    const server = new ScriptedServer((n, _req, res) => {
      at.push(Date.now());
      if (n === 1) json(res, 429, { error: 'slow down', code: 'rate_limited' }, { 'retry-after': '1' });
      else json(res, 200, { models: [], unavailable: [], default: 'm' });
    });
    const url = await server.start();
    try {
      await new SwitchboardClient({ baseUrl: url }).models();
      expect(at).toHaveLength(2);
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(950);
    } finally {
      await server.close();
    }
  });

  it('gives up after the configured retries with a RateLimitError carrying retryAfterMs', async () => {
    const server = new ScriptedServer((_n, _req, res) =>
      json(res, 429, { error: 'queue full', code: 'queue_full' }, { 'retry-after': '0' }),
    );
    const url = await server.start();
    try {
      const client = new SwitchboardClient({ baseUrl: url, retries: 2 });
      const err = await client.classify('x').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RateLimitError);
      expect(err).toMatchObject({ status: 429, code: 'queue_full', retryAfterMs: 0, message: 'queue full' });
      expect(server.seen).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('does not wait past its deadline: a Retry-After beyond it fails at once', async () => {
    const server = new ScriptedServer((_n, _req, res) =>
      json(res, 503, { error: 'down', code: 'queue_unavailable' }, { 'retry-after': '120' }),
    );
    const url = await server.start();
    try {
      const client = new SwitchboardClient({ baseUrl: url, timeoutMs: 5_000 });
      const err = await client.models().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnavailableError);
      expect((err as UnavailableError).retryAfterMs).toBe(120_000);
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('does not retry errors a retry cannot fix, and reads non-JSON error pages', async () => {
    const server = new ScriptedServer((n, _req, res) => {
      if (n === 1) json(res, 422, { error: 'inputs is required', code: 'invalid_input' });
      else {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>Bad gateway</html>');
      }
    });
    const url = await server.start();
    try {
      const client = new SwitchboardClient({ baseUrl: url });
      await expect(client.classify('x')).rejects.toBeInstanceOf(InvalidInputError);
      const err = await client.models().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SwitchboardHttpError);
      expect(err).toMatchObject({ status: 502, code: 'http_502' });
      expect((err as Error).message).toContain('Bad gateway');
      expect(server.seen).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});

describe('retry arithmetic', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:05 GMT', now)).toBe(5_000);
  });

  it('backs off exponentially within half and all of each capped step', () => {
    expect([0, 1, 2].map((a) => backoffDelay(a, { baseMs: 100 }, () => 0))).toEqual([50, 100, 200]);
    expect([0, 1, 2].map((a) => backoffDelay(a, { baseMs: 100 }, () => 1))).toEqual([100, 200, 400]);
    expect(backoffDelay(20, { baseMs: 100, maxMs: 1_000 }, () => 1)).toBe(1_000);
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => new SwitchboardClient({ baseUrl: 'localhost:8080' })).toThrow(/http:\/\//);
    expect(() => new SwitchboardClient({ baseUrl: 'not a url' })).toThrow(/not a URL/);
  });
});
