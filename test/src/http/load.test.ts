import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cueLabel, FILLER_WORDS } from '../helpers/cue-model.js';
import { type ApiProcess, type Backend, KEYS, startApiProcess, startBackend } from './http-stack.js';

/** Bounded load: 2,000 requests over 50 connections, on loopback only. */
const REQUESTS = 2_000;
const CONNECTIONS = 50;

let backend: Backend;
let api: ApiProcess;

beforeAll(async () => {
  backend = await startBackend();
  // The API in its own process, as deployed: the load generator does not share its event loop.
  api = await startApiProcess(backend, { rateLimitPerMinute: 1_000_000 });
});

afterAll(async () => {
  await api?.close();
  await backend?.close();
});

/** Text number `i`: filler words with a cue word in two of three. */
function textOf(i: number): string {
  const a = FILLER_WORDS[i % FILLER_WORDS.length]!;
  const b = FILLER_WORDS[(i * 7) % FILLER_WORDS.length]!;
  return `${a} ${['sunny', 'rainy', ''][i % 3]} ${b}`.replace(/\s+/g, ' ');
}

interface Expectation {
  expected?: string;
}

describe('load on POST /v1/classify', () => {
  it(`answers ${REQUESTS} requests over ${CONNECTIONS} connections correctly, with no 5xx`, async () => {
    expect(new URL(api.url).hostname).toBe('127.0.0.1');
    let sent = 0;
    let checked = 0;
    const wrong: string[] = [];
    const result = await autocannon({
      url: api.url,
      connections: CONNECTIONS,
      amount: REQUESTS,
      timeout: 30,
      headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
      requests: [
        {
          method: 'POST',
          path: '/v1/classify',
          // One request in flight per connection (no pipelining), so the context names its text.
          setupRequest: (request, context: Expectation) => {
            const text = textOf(sent++);
            context.expected = cueLabel(text);
            return { ...request, body: JSON.stringify({ inputs: text }) };
          },
          onResponse: (status, body, context: Expectation) => {
            checked++;
            if (status !== 200) {
              wrong.push(`status ${status}: ${body.slice(0, 200)}`);
              return;
            }
            const label = (JSON.parse(body) as { results: { top: { label: string } }[] }).results[0]?.top
              .label;
            if (label !== context.expected) wrong.push(`expected ${context.expected}, got ${label}`);
          },
        },
      ],
    });
    const { latency, requests } = result;
    console.log(
      `load: ${result.requests.total} requests, ${CONNECTIONS} connections in ${result.duration.toFixed(1)} s: ` +
        `${requests.average.toFixed(0)} req/s (mean of per-second samples), ` +
        `latency p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms; ` +
        `2xx ${result['2xx']}, non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`,
    );
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(checked).toBe(REQUESTS);
    expect(result['2xx']).toBe(REQUESTS);
    expect(result['5xx']).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
  });
});
