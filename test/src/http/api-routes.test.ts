import { MAX_TEXT_CHARS, MAX_TEXTS_PER_REQUEST } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUE_LABELS, cueLabel } from '../helpers/cue-model.js';
import { deletePrefixKeys } from '../helpers/redis-keys.js';
import { FAST_MODEL } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { metricSum, parseMetrics } from '../helpers/worker-metrics.js';
import { type Api, type Backend, call, KEYS, startApi, startBackend } from './http-stack.js';

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

const TEXTS = ['the morning was sunny', 'quite rainy in town', 'the forecast says today'];

describe('POST /v1/classify', () => {
  it('answers 200 with one result per text, in order, with the labels the model gives', async () => {
    const res = await call(api.url, 'POST', '/v1/classify', { body: { inputs: TEXTS } });
    expect(res.status).toBe(200);
    expect(res.body.id).toMatch(/^http-[0-9a-f]{32}$/);
    expect(res.body.model).toBe(FAST_MODEL);
    expect(res.body.version).toBe('1.0.0');
    expect(res.body.results.map((r: { top: { label: string } }) => r.top.label)).toEqual(TEXTS.map(cueLabel));
    for (const r of res.body.results) {
      expect(r.labels.map((l: { label: string }) => l.label).sort()).toEqual([...CUE_LABELS].sort());
      expect(r.labels[0]).toEqual(r.top);
      expect(r.truncated).toBe(false);
    }
  });

  it('takes a single string and an explicit model', async () => {
    const res = await call(api.url, 'POST', '/v1/classify', { body: { inputs: 'rainy', model: FAST_MODEL } });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(1);
    expect(res.body.results[0].top.label).toBe('negative');
  });

  it('answers 202 with Location at once when wait is false, and the job holds the result', async () => {
    const res = await call(api.url, 'POST', '/v1/classify', { body: { inputs: ['sunny'], wait: false } });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/jobs/${res.body.id}`);
    expect(res.body.location).toBe(res.headers.get('location'));
    const job = await waitFor(
      async () => {
        const j = await call(api.url, 'GET', res.body.location);
        return j.body.state === 'completed' ? j : undefined;
      },
      { what: 'the job to complete' },
    );
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ id: res.body.id, model: FAST_MODEL, texts: 1 });
    expect(job.body.result.results[0].top.label).toBe('positive');
  });

  it('answers 202 when the result is not ready within the wait timeout', async () => {
    // A second API on a prefix no worker consumes: the wait runs out for sure.
    const prefix = `${backend.prefix}-idle`;
    const idle = await startApi({ ...backend, prefix }, { waitTimeoutMs: 50 });
    try {
      const res = await call(idle.url, 'POST', '/v1/classify', { body: { inputs: 'sunny' } });
      expect(res.status).toBe(202);
      expect(res.body.state).toBe('waiting');
      const job = await call(idle.url, 'GET', res.body.location);
      expect(job.body.state).toBe('waiting');
    } finally {
      await idle.close();
      await deletePrefixKeys(backend.redisUrl, prefix);
    }
  });

  it('maps an Idempotency-Key to one job and refuses its reuse for other work', async () => {
    const headers = { 'Idempotency-Key': `order-${Date.now()}` };
    const first = await call(api.url, 'POST', '/v1/classify', { body: { inputs: ['sunny'] }, headers });
    const again = await call(api.url, 'POST', '/v1/classify', { body: { inputs: ['sunny'] }, headers });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.results).toEqual(first.body.results);
    // Another key's identical Idempotency-Key is another job.
    const bob = await call(api.url, 'POST', '/v1/classify', {
      body: { inputs: ['sunny'] },
      headers,
      key: KEYS.bob,
    });
    expect(bob.body.id).not.toBe(first.body.id);
    const other = await call(api.url, 'POST', '/v1/classify', { body: { inputs: ['rainy'] }, headers });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_conflict');
    const bad = await call(api.url, 'POST', '/v1/classify', {
      body: { inputs: ['sunny'] },
      headers: { 'Idempotency-Key': 'x'.repeat(256) },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('Idempotency-Key');
  });
});

describe('input errors', () => {
  const cases: [string, unknown, number, string][] = [
    ['an empty text', { inputs: ['sunny', ''] }, 422, 'inputs[1] is empty'],
    ['a blank text', { inputs: '   ' }, 422, 'inputs is empty'],
    [
      'a text of invisible characters only',
      { inputs: ['sunny', '\u200b\u0000\u200d\ufeff'] },
      422,
      'inputs[1] has no visible characters',
    ],
    ['a missing field', { model: FAST_MODEL }, 422, 'inputs is required'],
    ['a wrong type', { inputs: 42 }, 422, 'inputs must be a text or an array of texts'],
    ['a text of the wrong type', { inputs: ['ok', 7] }, 422, 'inputs[1]'],
    ['an empty list', { inputs: [] }, 422, 'inputs'],
    ['a wrong type for wait', { inputs: 'sunny', wait: 'yes' }, 422, 'wait must be true or false'],
    ['an unknown field', { inputs: 'sunny', modle: 'x' }, 422, 'modle'],
    ['a malformed model name', { inputs: 'sunny', model: '../etc' }, 422, 'model is not a valid model name'],
    ['too many texts', { inputs: Array(MAX_TEXTS_PER_REQUEST + 1).fill('sunny') }, 413, 'inputs'],
    ['a too long text', { inputs: ['ok', 'x'.repeat(MAX_TEXT_CHARS + 1)] }, 413, 'inputs[1] is longer than'],
  ];
  for (const [what, body, status, message] of cases) {
    it(`answers ${status} naming the field for ${what}`, async () => {
      const res = await call(api.url, 'POST', '/v1/classify', { body });
      expect(res.status).toBe(status);
      expect(res.body.error).toContain(message);
      expect(res.body.code).toBe(status === 413 ? 'payload_too_large' : 'invalid_input');
    });
  }

  it('answers 404 for an unknown model, listing the models there are', async () => {
    const res = await call(api.url, 'POST', '/v1/classify', { body: { inputs: 'sunny', model: 'nope' } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: `Unknown model "nope". Available models: ${FAST_MODEL}.`,
      code: 'unknown_model',
    });
  });

  it('answers 400 to malformed JSON, a wrong content type and bytes that are not UTF-8', async () => {
    const malformed = await call(api.url, 'POST', '/v1/classify', {
      body: '{"inputs": "sunny"',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ error: 'The request body is not valid JSON.', code: 'bad_request' });
    const plain = await call(api.url, 'POST', '/v1/classify', {
      body: 'inputs=sunny',
      headers: { 'content-type': 'text/plain' },
    });
    expect(plain.status).toBe(400);
    expect(plain.body.error).toContain('application/json');
    const none = await call(api.url, 'POST', '/v1/classify', { body: '{"inputs":"sunny"}' });
    expect(none.status).toBe(400);
    const bytes = Buffer.concat([
      Buffer.from('{"inputs": "sun'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('ny"}'),
    ]);
    const latin = await call(api.url, 'POST', '/v1/classify', {
      body: new Uint8Array(bytes),
      headers: { 'content-type': 'application/json' },
    });
    expect(latin.status).toBe(400);
    expect(latin.body).toEqual({ error: 'The request body is not valid UTF-8.', code: 'bad_request' });
  });

  it('answers 413 to a body over the size limit, with or without Content-Length', async () => {
    const small = await startApi(backend, { bodyLimitBytes: 2_048 });
    try {
      const body = JSON.stringify({ inputs: ['sunny '.repeat(500)] });
      const sized = await call(small.url, 'POST', '/v1/classify', {
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect(sized.status).toBe(413);
      expect(sized.body.code).toBe('payload_too_large');
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(body));
          controller.close();
        },
      });
      const chunked = await fetch(`${small.url}/v1/classify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      expect(((await chunked.json()) as { code: string }).code).toBe('payload_too_large');
    } finally {
      await small.close();
    }
  });

  it('never answers with a stack trace or a 500 to unknown routes and methods', async () => {
    const unknown = await call(api.url, 'GET', '/v2/classify');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
    const method = await call(api.url, 'DELETE', '/v1/models');
    expect(method.status).toBe(404);
    expect(JSON.stringify(method.body)).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('GET /v1/jobs/{id}', () => {
  it("shows a caller its own jobs only: another key's job and unknown ids are 404", async () => {
    const created = await call(api.url, 'POST', '/v1/classify', { body: { inputs: 'sunny' } });
    expect(created.status).toBe(200);
    const own = await call(api.url, 'GET', `/v1/jobs/${created.body.id}`);
    expect(own.status).toBe(200);
    expect(own.body.state).toBe('completed');
    expect(own.body.result).toEqual(created.body);
    const bob = await call(api.url, 'GET', `/v1/jobs/${created.body.id}`, { key: KEYS.bob });
    expect(bob.status).toBe(404);
    const missing = await call(api.url, 'GET', '/v1/jobs/http-00000000000000000000000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('not_found');
    const malformed = await call(api.url, 'GET', '/v1/jobs/12:34');
    expect(malformed.status).toBe(404);
  });
});

describe('GET /v1/models', () => {
  it('lists names, labels and versions, and the default model', async () => {
    const res = await call(api.url, 'GET', '/v1/models');
    expect(res.status).toBe(200);
    expect(res.body.default).toBe(FAST_MODEL);
    expect(res.body.unavailable).toEqual([]);
    expect(res.body.models).toEqual([
      expect.objectContaining({
        name: FAST_MODEL,
        labels: [...CUE_LABELS],
        version: '1.0.0',
        multiLabel: false,
        versions: [expect.objectContaining({ version: '1.0.0', default: true, labels: [...CUE_LABELS] })],
      }),
    ]);
  });

  it('classifies with name@version, and answers an unknown version with the versions there are', async () => {
    const res = await call(api.url, 'POST', '/v1/classify', {
      body: { inputs: 'sunny', model: `${FAST_MODEL}@1.0.0` },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model: FAST_MODEL, version: '1.0.0' });
    expect(res.body.results[0].top.label).toBe('positive');
    const unknown = await call(api.url, 'POST', '/v1/classify', {
      body: { inputs: 'sunny', model: `${FAST_MODEL}@9` },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('unknown_model');
  });
});

describe('POST /predict (Text Embeddings Inference shapes)', () => {
  const softmaxOf = (scores: number[]) => {
    const max = Math.max(...scores);
    const e = scores.map((s) => Math.exp(s - max));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / sum);
  };

  it('answers one input (a string, or a one-element array) with a list sorted by score', async () => {
    for (const inputs of ['the weather was sunny', ['the weather was sunny']]) {
      const res = await call(api.url, 'POST', '/predict', { body: { inputs } });
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      expect(res.body).toHaveLength(CUE_LABELS.length);
      expect(Object.keys(res.body[0]).sort()).toEqual(['label', 'score']);
      expect(res.body[0].label).toBe('positive');
      const scores = res.body.map((p: { score: number }) => p.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(scores.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 6);
    }
  });

  it('answers a batch with a list of lists, in order', async () => {
    const res = await call(api.url, 'POST', '/predict', {
      body: { inputs: [['quite rainy'], ['sunny today'], ['the town']] },
    });
    expect(res.status).toBe(200);
    expect(res.body.map((p: { label: string }[]) => p[0]!.label)).toEqual([
      'negative',
      'positive',
      'neutral',
    ]);
  });

  it('with raw_scores answers log-probabilities: same order, and softmax gives the probabilities back', async () => {
    const inputs = [['quite rainy'], ['the town']];
    const probs = await call(api.url, 'POST', '/predict', { body: { inputs } });
    const raw = await call(api.url, 'POST', '/predict', { body: { inputs, raw_scores: true } });
    expect(raw.status).toBe(200);
    for (let i = 0; i < inputs.length; i++) {
      expect(raw.body[i].map((p: { label: string }) => p.label)).toEqual(
        probs.body[i].map((p: { label: string }) => p.label),
      );
      const back = softmaxOf(raw.body[i].map((p: { score: number }) => p.score));
      back.forEach((p, k) => {
        expect(p).toBeCloseTo(probs.body[i][k].score, 9);
      });
      for (const p of raw.body[i]) expect(p.score).toBeLessThanOrEqual(0);
    }
  });

  it('cuts long texts unless truncate is false, which answers 422', async () => {
    const long = 'the weather '.repeat(600).trim();
    const cut = await call(api.url, 'POST', '/predict', { body: { inputs: long } });
    expect(cut.status).toBe(200);
    const refused = await call(api.url, 'POST', '/predict', {
      body: { inputs: [['sunny'], [long]], truncate: false },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toContain('`inputs[1]` is longer than model');
    expect(refused.body.error_type).toBe('Validation');
    const ok = await call(api.url, 'POST', '/predict', { body: { inputs: 'sunny', truncate: false } });
    expect(ok.status).toBe(200);
  });

  it("answers TEI's error shape: pairs 422, a batch over the limit 422, an empty text 400, a bad field 422", async () => {
    const pair = await call(api.url, 'POST', '/predict', { body: { inputs: ['sunny', 'rainy'] } });
    expect(pair.status).toBe(422);
    expect(pair.body).toMatchObject({ code: 'invalid_input', error_type: 'Validation' });
    expect(pair.body.error).toContain('sentence pair');
    const pairs = await call(api.url, 'POST', '/predict', { body: { inputs: [['a', 'b']] } });
    expect(pairs.status).toBe(422);
    const big = await call(api.url, 'POST', '/predict', {
      body: { inputs: Array.from({ length: MAX_TEXTS_PER_REQUEST + 1 }, () => ['sunny']) },
    });
    expect(big.status).toBe(422);
    expect(big.body.error_type).toBe('Validation');
    const empty = await call(api.url, 'POST', '/predict', { body: { inputs: '' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error_type).toBe('Empty');
    const raw = await call(api.url, 'POST', '/predict', { body: { inputs: 'sunny', raw_scores: 'yes' } });
    expect(raw.status).toBe(422);
    expect(raw.body.error).toContain('raw_scores');
    const noKey = await call(api.url, 'POST', '/predict', { body: { inputs: 'sunny' }, key: null });
    expect(noKey.status).toBe(401);
    expect(noKey.body.error_type).toBeDefined();
  });

  it('answers 503 naming HTTP_PREDICT_MODEL when it names no model of the repository', async () => {
    const misconfigured = await startApi(backend, { predictModel: 'absent' });
    try {
      const res = await call(misconfigured.url, 'POST', '/predict', { body: { inputs: 'sunny' } });
      expect(res.status).toBe(503);
      expect(res.body.error).toContain('HTTP_PREDICT_MODEL');
    } finally {
      await misconfigured.close();
    }
  });
});

describe('operations routes', () => {
  it('/healthz and /readyz answer without a key', async () => {
    const health = await call(api.url, 'GET', '/healthz', { key: null });
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await call(api.url, 'GET', '/readyz', { key: null });
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('/metrics counts requests by route pattern and status, times them, and reports queue depth', async () => {
    await call(api.url, 'GET', '/v1/jobs/http-11111111111111111111111111111111');
    const res = await call(api.url, 'GET', '/metrics', { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const samples = parseMetrics(res.body);
    expect(
      metricSum(samples, 'switchboard_http_requests_total', {
        route: '/v1/classify',
        method: 'POST',
        status: '200',
      }),
    ).toBeGreaterThan(0);
    expect(
      metricSum(samples, 'switchboard_http_requests_total', { route: '/v1/jobs/:id', status: '404' }),
    ).toBeGreaterThan(0);
    // The raw path (with the id) never becomes a label.
    expect(samples.some((s) => s.labels.route?.includes('1111'))).toBe(false);
    expect(
      metricSum(samples, 'switchboard_http_request_duration_seconds_count', { route: '/v1/classify' }),
    ).toBeGreaterThan(0);
    const depth = samples.find((s) => s.name === 'switchboard_queue_depth');
    expect(depth?.value).toBeGreaterThanOrEqual(0);
  });
});
