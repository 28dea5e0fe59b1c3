import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cueLabel } from '../helpers/cue-model.js';
import { type ApiProcess, type Backend, KEYS, startApiProcess, startBackend } from '../http/http-stack.js';
import { hostileText } from './hostile-text.js';

// Property-based fuzzing of the HTTP API with a real worker behind it. Whatever arrives, the answer
// is never a 5xx: either a result or a 4xx whose body says what is wrong ({"error","code"}), and
// neither the API process nor the worker process goes down. Known-shape cases (each status, field
// names in messages) are in test/src/http/api-routes.test.ts; this file throws what nobody thought of.

/** Cases per property: enough to find the odd crash, few enough to keep the suite fast. */
const RUNS = 250;
const BODY_LIMIT = 1_048_576;

let backend: Backend;
let api: ApiProcess;

beforeAll(async () => {
  backend = await startBackend();
  api = await startApiProcess(backend, { rateLimitPerMinute: 10_000_000, waitTimeoutMs: 5_000 });
});

afterAll(async () => {
  await api?.close();
  await backend?.close();
});

interface Answer {
  readonly status: number;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: checked field by field below
  readonly json: any;
}

/** Sends raw bytes or text with the given headers (alice's key unless `authorization` is given). */
async function send(
  path: string,
  body: string | Uint8Array | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  method = 'POST',
): Promise<Answer> {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEYS.alice}`, ...headers },
    body,
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** The API's promise to a client: a result, or a 4xx that explains itself. Never a 5xx. */
function expectHandled(answer: Answer, context: string): void {
  if (answer.status >= 500) throw new Error(`${context}: ${answer.status} ${answer.text.slice(0, 300)}`);
  if (answer.status >= 400) {
    expect(answer.json, `${context}: ${answer.text.slice(0, 200)}`).toMatchObject({
      error: expect.stringMatching(/\S/),
      code: expect.stringMatching(/^[a-z_]+$/),
    });
  }
}

const describeBody = (body: unknown) => JSON.stringify(body)?.slice(0, 200) ?? String(body);

/** Anything JSON can hold, nested a few levels. */
const anyJson = fc.jsonValue({ maxDepth: 4 });

/** A /v1/classify body whose fields may each be right, wrong, hostile or missing. */
const classifyBody = fc.record(
  {
    inputs: fc.oneof(
      hostileText,
      fc.array(hostileText, { maxLength: 6 }),
      fc.array(fc.constantFrom('sunny', 'rainy'), { minLength: 60, maxLength: 70 }),
      anyJson,
    ),
    model: fc.oneof(fc.constantFrom('weather', 'nope', '../etc', ''), fc.string({ maxLength: 140 }), anyJson),
    wait: fc.oneof(fc.boolean(), anyJson),
    extra: anyJson,
  },
  { requiredKeys: [] },
);

describe('POST /v1/classify under fuzzing', () => {
  it('answers any JSON value with a result or an explained 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyJson, async (body) => {
        expectHandled(await send('/v1/classify', JSON.stringify(body)), describeBody(body));
      }),
      { numRuns: RUNS },
    );
  });

  it('answers hostile classify bodies (control, zero-width, huge, empty, wrong types) without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(classifyBody, async (body) => {
        const answer = await send('/v1/classify', JSON.stringify(body));
        expectHandled(answer, describeBody(body));
        expect([200, 202, 400, 404, 413, 422]).toContain(answer.status);
        if (answer.status === 200) {
          const texts = typeof body.inputs === 'string' ? [body.inputs] : (body.inputs as string[]);
          expect(answer.json.results).toHaveLength(texts.length);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('classifies or refuses hostile texts in a well-formed body, and the worker takes them all', async () => {
    const statuses = new Map<number, number>();
    const texts = fc.oneof(hostileText, fc.array(hostileText, { minLength: 1, maxLength: 8 }));
    await fc.assert(
      fc.asyncProperty(texts, async (inputs) => {
        const answer = await send('/v1/classify', JSON.stringify({ inputs, model: 'weather' }));
        expectHandled(answer, describeBody(inputs));
        expect([200, 413, 422]).toContain(answer.status);
        if (answer.status === 200) {
          expect(answer.json.results).toHaveLength(typeof inputs === 'string' ? 1 : inputs.length);
        }
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }),
      { numRuns: RUNS },
    );
    // Most of them reached the worker: the fuzzing exercised the featurizer and the model too.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS / 4);
    console.log(`hostile texts: ${JSON.stringify(Object.fromEntries(statuses))} (status: cases)`);
  });

  it('refuses bodies that are not UTF-8 with 400', async () => {
    const invalidUtf8 = fc
      .tuple(
        fc.string({ maxLength: 20 }),
        fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88]),
      )
      .map(([text, bad]) => {
        const json = new TextEncoder().encode(JSON.stringify({ inputs: `sunny ${text}` }));
        // The bad bytes go inside the string, just after its opening quote.
        const at = json.indexOf(0x73 /* s */);
        return Uint8Array.from([...json.slice(0, at), ...bad, ...json.slice(at)]);
      });
    await fc.assert(
      fc.asyncProperty(invalidUtf8, async (bytes) => {
        const answer = await send('/v1/classify', bytes);
        expectHandled(answer, `bytes ${Buffer.from(bytes).toString('hex').slice(0, 80)}`);
        expect(answer.status).toBe(400);
        expect(answer.json.error).toContain('UTF-8');
      }),
      { numRuns: 100 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        expectHandled(
          await send('/v1/classify', bytes),
          `bytes ${Buffer.from(bytes).toString('hex').slice(0, 80)}`,
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('answers wrong and missing content types with an explained 4xx', async () => {
    const contentType = fc.oneof(
      fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/json; charset=latin1',
        'application/jsonx',
        'application/octet-stream',
        '*/*',
        '',
      ),
      fc.stringMatching(/^[a-z]{1,10}\/[a-z+.-]{1,12}$/),
    );
    const body = fc.oneof(
      fc.constant('{"inputs":"sunny"}'),
      fc.constant('inputs=sunny'),
      fc.constant('<inputs>sunny</inputs>'),
      anyJson.map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(contentType, body, async (type, text) => {
        const headers: Record<string, string> = type === '' ? {} : { 'content-type': type };
        const answer = await send('/v1/classify', text, headers);
        expectHandled(answer, `${type}: ${text.slice(0, 100)}`);
        if (!type.startsWith('application/json') || type === 'application/jsonx') {
          expect(answer.status).toBeGreaterThanOrEqual(400);
        }
      }),
      { numRuns: 150 },
    );
    // No body at all.
    const empty = await send('/v1/classify', undefined);
    expectHandled(empty, 'no body');
    expect(empty.status).toBe(400);
  });

  it('answers deep nesting (10,000 levels), 10,000 inputs and oversize bodies with a 4xx', async () => {
    const cases: Record<string, string> = {
      'nested arrays': `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      'nested objects': `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
      'nested inputs': `{"inputs":${'['.repeat(10_000)}"sunny"${']'.repeat(10_000)}}`,
      'nested model': `{"inputs":"sunny","model":${'{"m":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
      'unclosed nesting': `{"inputs":${'['.repeat(100_000)}`,
      '10,000 inputs': JSON.stringify({ inputs: Array.from({ length: 10_000 }, () => 'sunny') }),
      '10,000 empty inputs': JSON.stringify({ inputs: Array.from({ length: 10_000 }, () => '') }),
      'text over the limit': JSON.stringify({ inputs: 'a'.repeat(10_001) }),
      'body over the limit': JSON.stringify({ inputs: 'a'.repeat(BODY_LIMIT) }),
      'empty text': JSON.stringify({ inputs: '' }),
      'empty list': JSON.stringify({ inputs: [] }),
      'empty object': '{}',
      'empty string body': '',
      'duplicate keys': '{"inputs":"sunny","inputs":7}',
      'proto pollution': '{"inputs":"sunny","__proto__":{"admin":true},"constructor":{"prototype":{}}}',
    };
    for (const [what, body] of Object.entries(cases)) {
      const answer = await send('/v1/classify', body);
      expectHandled(answer, what);
      expect(answer.status, what).toBeGreaterThanOrEqual(400);
    }
    // JSON escapes may carry lone surrogates and NULs, which the UTF-8 check of the raw bytes cannot
    // see: a text with something visible is classified like any other, one with nothing is refused.
    const odd = await send('/v1/classify', '{"inputs":"\\ud800\\udfff\\ud800"}');
    expect(odd.status).toBe(200);
    expect(odd.json.results[0].top.label).toBe('neutral');
    for (const body of ['{"inputs":"\\u0000\\u0000"}', '{"inputs":"\\ud800\\u200b"}']) {
      const answer = await send('/v1/classify', body);
      expect(answer.status, body).toBe(422);
      expect(answer.json.error, body).toBe('inputs has no visible characters');
    }
    // Far over the limit the server refuses, reads and discards the rest of the body (up to a
    // bound) and closes the connection ("Connection: close"): a client that writes the whole body
    // first still reads its 413, and the next request, on a new connection, is served.
    for (let i = 0; i < 3; i++) {
      const answer = await send('/v1/classify', JSON.stringify({ inputs: 'a'.repeat(4 * BODY_LIMIT) }));
      expect(answer.status).toBe(413);
      expect((await send('/v1/classify', JSON.stringify({ inputs: 'sunny' }))).status).toBe(200);
    }
  });

  it('answers hostile Idempotency-Keys, job ids, paths and methods without a 5xx', async () => {
    const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,300}$/);
    await fc.assert(
      fc.asyncProperty(headerValue, async (key) => {
        const answer = await send('/v1/classify', JSON.stringify({ inputs: 'sunny', wait: false }), {
          'content-type': 'application/json',
          'idempotency-key': key,
        });
        expectHandled(answer, `Idempotency-Key ${JSON.stringify(key)}`);
      }),
      { numRuns: 100 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 300 }), async (id) => {
        const answer = await send(`/v1/jobs/${encodeURIComponent(id)}`, undefined, {}, 'GET');
        expectHandled(answer, `job id ${JSON.stringify(id)}`);
      }),
      { numRuns: 100 },
    );
    const method = fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'POST');
    const path = fc
      .array(
        fc.oneof(
          fc.constantFrom('v1', 'classify', 'jobs', 'models', 'predict', '..', '%00'),
          fc.webSegment(),
        ),
        {
          maxLength: 4,
        },
      )
      .map((parts) => `/${parts.join('/')}`);
    await fc.assert(
      fc.asyncProperty(method, path, async (m, p) => {
        const answer = await send(p, m === 'GET' ? undefined : '{"inputs":"sunny"}', {}, m);
        // HEAD-like and docs routes may answer HTML: only errors must be JSON.
        if (answer.status >= 400) expectHandled(answer, `${m} ${p}`);
        expect(answer.status, `${m} ${p}`).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(headerValue, async (auth) => {
        const answer = await send('/v1/models', undefined, { authorization: auth }, 'GET');
        expectHandled(answer, `Authorization ${JSON.stringify(auth)}`);
        expect(answer.status).toBe(401);
      }),
      { numRuns: 100 },
    );
  });
});

describe('POST /predict under fuzzing', () => {
  it('answers any JSON body with predictions or an explained 4xx carrying error_type', async () => {
    const body = fc.oneof(
      anyJson,
      fc.record(
        {
          inputs: fc.oneof(
            hostileText,
            fc.array(fc.oneof(hostileText, fc.array(hostileText)), { maxLength: 4 }),
            anyJson,
          ),
          raw_scores: anyJson,
          truncate: anyJson,
          truncation_direction: anyJson,
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const answer = await send('/predict', JSON.stringify(value));
        expectHandled(answer, describeBody(value));
        if (answer.status >= 400) expect(answer.json.error_type).toEqual(expect.any(String));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('after the fuzzing', () => {
  it('still runs both processes, and they still classify correctly', async () => {
    expect(api.child.exitCode).toBeNull();
    expect(backend.worker!.running).toBe(true);
    for (const text of ['sunny afternoon', 'a rainy day', 'the weather']) {
      const answer = await send('/v1/classify', JSON.stringify({ inputs: text }));
      expect(answer.status).toBe(200);
      expect(answer.json.results[0].top.label).toBe(cueLabel(text));
    }
    const ready = await fetch(`${backend.worker!.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
  });
});
