import { ClassifyQueue } from '@switchboard/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { createTestModels, SLOW_MODEL, type TestModels } from '../helpers/test-models.js';
import { within } from '../helpers/wait-for.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';
import { type ApiProcess, KEYS, startApiProcess } from '../http/http-stack.js';
import { FakeSlack } from '../slack/fake-slack.js';
import { postSigned } from '../slack/signed-request.js';
import { SIGNING_SECRET, type SlackApp, startSlackApp } from '../slack/slack-harness.js';
import { commandBody, slackId } from '../slack/slack-payloads.js';

// The depth limit itself (429 + Retry-After once N jobs wait) is test/src/http/auth-limits.test.ts,
// on a queue nobody consumes. Here a real worker runs a model slowed on purpose while requests
// arrive faster than it can classify: the API must refuse the excess instead of letting the queue,
// and so every caller's wait, grow for as long as the overload lasts.

const redisUrl = SHARED_REDIS_URL;
const prefix = uniquePrefix('fault-slow');
const MAX_DEPTH = 20;
/** Open-loop arrivals: several times what the slow model serves. */
const ARRIVALS_PER_SECOND = 200;
const LOAD_SECONDS = 8;
const SLACK_ACK_DEADLINE_MS = 3_000;

let models: TestModels;
let worker: WorkerProcess;
let api: ApiProcess;
let fake: FakeSlack;
let slack: SlackApp;
let queue: ClassifyQueue;

beforeAll(async () => {
  // Tens of ms a text; batches of at most 4: a service rate of some tens of jobs a second.
  models = await createTestModels({ slow: { rows: 256, layers: 16 } });
  const backend = { redisUrl, prefix, models };
  fake = await FakeSlack.start();
  [worker, api, slack, queue] = await Promise.all([
    startWorker({
      redisUrl,
      prefix,
      modelsDir: models.dir,
      env: { SWITCHBOARD_WORKER_MODELS: SLOW_MODEL, BATCH_MAX_SIZE: '4', WORKER_CONCURRENCY: '8' },
    }),
    startApiProcess(backend, {
      maxQueueDepth: MAX_DEPTH,
      rateLimitPerMinute: 1_000_000,
      defaultModel: SLOW_MODEL,
      predictModel: SLOW_MODEL,
    }),
    startSlackApp({
      redisUrl,
      prefix,
      modelsDir: models.dir,
      defaultModel: SLOW_MODEL,
      apiUrl: fake.apiUrl,
      env: { SLACK_USER_RATE_LIMIT: '1000' },
    }),
    ClassifyQueue.connect({ redisUrl, prefix }),
  ]);
});

afterAll(async () => {
  await slack?.plugin.close();
  await api?.close();
  await worker?.stop();
  await queue?.close();
  await fake?.close();
  await deletePrefixKeys(redisUrl, prefix);
  await models?.remove();
});

interface Outcome {
  readonly status: number;
  readonly ms: number;
  readonly retryAfter: string | null;
  readonly body: { error?: unknown; code?: unknown };
}

/** When the API last refused a request at its depth limit: the queue was full then, as the API sees it. */
let lastRefusalAt = Number.NEGATIVE_INFINITY;

async function classify(text: string): Promise<Outcome> {
  const started = performance.now();
  const res = await fetch(`${api.url}/v1/classify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: text }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as Outcome['body'];
  if (res.status === 429) lastRefusalAt = performance.now();
  return {
    status: res.status,
    ms: performance.now() - started,
    retryAfter: res.headers.get('retry-after'),
    body,
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('answers 429 with Retry-After at its depth limit, keeps accepted latency bounded, and Slack still acks', {
  timeout: 90_000,
}, async () => {
  const outcomes: Promise<Outcome>[] = [];
  const depths: number[] = [];
  const slackAcks: { ms: number; text: string; depthBefore: number; atLimit: boolean }[] = [];
  const started = performance.now();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      depths.push(await queue.depth());
      await pause(100);
    }
  })();

  // The load generator: a fixed arrival rate whatever the answers (its sleep is pacing, not waiting).
  const total = ARRIVALS_PER_SECOND * LOAD_SECONDS;
  let generating = true;
  const generator = (async () => {
    for (let i = 0; i < total; i++) {
      outcomes.push(classify(`the weather ${['sunny', 'rainy'][i % 2]} ${i}`));
      const due = started + ((i + 1) * 1_000) / ARRIVALS_PER_SECOND;
      await pause(Math.max(0, due - performance.now()));
    }
    generating = false;
  })();

  // Meanwhile, with the queue full, people on Slack are still answered within Slack's deadline.
  while (generating && slackAcks.length < 5) {
    // Wait for the queue to be at its limit (briefly: the load generator stops after a while). The
    // limit is reached when Redis shows it or when the API has just refused a request for it: a
    // depth sample can miss the moment, as jobs flip from waiting to done within milliseconds.
    const full = Date.now() + 1_500;
    const atLimit = (depth: number) => depth >= MAX_DEPTH || performance.now() - lastRefusalAt < 300;
    let depthBefore = await queue.depth();
    while (!atLimit(depthBefore) && Date.now() < full) {
      await pause(20);
      depthBefore = await queue.depth();
    }
    const limited = atLimit(depthBefore);
    const body = commandBody({ text: 'sunny', response_url: fake.responseUrl(slackId('r')) }).body;
    const t0 = performance.now();
    const ack = await within(
      postSigned(slack.url, body, 'application/x-www-form-urlencoded', { secret: SIGNING_SECRET }),
      SLACK_ACK_DEADLINE_MS,
      'the Slack acknowledgement while the queue is full',
    );
    slackAcks.push({
      ms: performance.now() - t0,
      text: String(ack.json?.text),
      depthBefore,
      atLimit: limited,
    });
    await pause(200);
  }

  await generator;
  const results = await Promise.all(outcomes);
  const loadSeconds = (performance.now() - started) / 1_000;
  sampling = false;
  await sampler;

  expect(results.filter((r) => r.status >= 500)).toEqual([]);
  const accepted = results.filter((r) => r.status === 200);
  const refused = results.filter((r) => r.status === 429);
  expect(accepted.length + refused.length).toBe(results.length);
  expect(refused.length).toBeGreaterThan(0);
  for (const r of refused) {
    expect(r.body).toMatchObject({ code: 'queue_full', error: expect.stringContaining('retry in') });
    expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
  }

  // The queue stopped growing at the limit (plus the Slack commands, which that limit does not
  // cover, and the odd job admitted while the enqueues before it were still on their way to Redis).
  const deepest = Math.max(...depths);
  expect(deepest).toBeLessThanOrEqual(MAX_DEPTH + 10);
  // A request admitted at the limit waits for at most the jobs ahead of it: the limit over the rate
  // the worker served during the run. Without the limit the wait would grow with the overload's length.
  const servedPerSecond = accepted.length / loadSeconds;
  const boundMs = ((MAX_DEPTH + 10) / servedPerSecond) * 1_000 * 4 + 1_000;
  const slowest = Math.max(...accepted.map((r) => r.ms));
  const unboundedMs = ((total - servedPerSecond * LOAD_SECONDS) / servedPerSecond) * 1_000;
  const sorted = accepted.map((r) => r.ms).sort((a, b) => a - b);
  const p50 = sorted[Math.floor(sorted.length / 2)]!;
  console.log(
    `slow model under ${ARRIVALS_PER_SECOND} req/s for ${LOAD_SECONDS} s: ${accepted.length} accepted ` +
      `(${servedPerSecond.toFixed(0)}/s served; p50 ${p50.toFixed(0)} ms, max ${slowest.toFixed(0)} ms, ` +
      `bound ${boundMs.toFixed(0)} ms; without the limit the last would wait ~${(unboundedMs / 1_000).toFixed(1)} s), ` +
      `${refused.length} refused with 429; deepest queue ${deepest} (limit ${MAX_DEPTH}); ` +
      `Slack acks ${slackAcks.map((a) => a.ms.toFixed(0)).join('/')} ms at depths ${slackAcks.map((a) => a.depthBefore).join('/')}`,
  );
  expect(slowest).toBeLessThan(boundMs);

  expect(slackAcks.length).toBeGreaterThanOrEqual(3);
  expect(slackAcks.every((a) => a.text.includes('Classifying'))).toBe(true);
  expect(slackAcks.filter((a) => a.atLimit).length).toBeGreaterThan(0);
});
