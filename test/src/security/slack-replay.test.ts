import { CLASSIFY_QUEUE, connectionFromUrl } from '@switchboard/core';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { FakeSlack } from '../slack/fake-slack.js';
import { slackSignature } from '../slack/signed-request.js';
import { SIGNING_SECRET, type SlackApp, startSlackApp } from '../slack/slack-harness.js';
import { commandBody, mentionBody, slackId } from '../slack/slack-payloads.js';

// A forged signature and a stale timestamp are refused in test/src/slack/slack-app.test.ts
// ("request verification"), and Slack's own retries (X-Slack-Retry-Num) are classified once there
// too. This file plays the attacker who captured one genuine request: altering it must break the
// signature, and sending it again unaltered must not classify twice.

const FORM = 'application/x-www-form-urlencoded';
const prefix = uniquePrefix('sec-slack');
let models: TestModels;
let fake: FakeSlack;
let app: SlackApp;
let queue: Queue;
let events: QueueEvents;

beforeAll(async () => {
  models = await createTestModels();
  fake = await FakeSlack.start();
  // No worker: every job the plugin makes stays in the queue, where the test counts it.
  app = await startSlackApp({
    redisUrl: SHARED_REDIS_URL,
    prefix,
    modelsDir: models.dir,
    defaultModel: FAST_MODEL,
    apiUrl: fake.apiUrl,
    env: { SLACK_USER_RATE_LIMIT: '1000' },
  });
  queue = new Queue(CLASSIFY_QUEUE, { connection: connectionFromUrl(SHARED_REDIS_URL), prefix });
  events = new QueueEvents(CLASSIFY_QUEUE, { connection: connectionFromUrl(SHARED_REDIS_URL), prefix });
  await events.waitUntilReady();
});

afterAll(async () => {
  await app?.plugin.close();
  await events?.close();
  await queue?.close();
  await fake?.close();
  await deletePrefixKeys(SHARED_REDIS_URL, prefix);
  await models?.remove();
});

/** One captured request: its exact body and headers. */
interface Captured {
  readonly body: string;
  readonly headers: Record<string, string>;
}

function sign(body: string, contentType: string, timestamp = Math.floor(Date.now() / 1_000)): Captured {
  return {
    body,
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, body),
    },
  };
}

async function send(request: Captured): Promise<{ status: number; text: string }> {
  const res = await fetch(app.url, { method: 'POST', headers: request.headers, body: request.body });
  return { status: res.status, text: await res.text() };
}

async function jobCount(): Promise<number> {
  const c = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
  return Object.values(c).reduce((a, b) => a + b, 0);
}

describe('a captured Slack request', () => {
  it('is refused (401) once anything signed is changed, and makes no job', async () => {
    const genuine = sign(
      commandBody({ text: 'sunny', response_url: fake.responseUrl(slackId('r')) }).body,
      FORM,
    );
    const before = await jobCount();
    const ts = Number(genuine.headers['x-slack-request-timestamp']);
    const tampered: Record<string, Captured> = {
      'other text, same signature': { ...genuine, body: genuine.body.replace('text=sunny', 'text=rainy') },
      'other response_url, same signature': {
        ...genuine,
        body: genuine.body.replace(
          /response_url=[^&]+/,
          `response_url=${encodeURIComponent('https://evil.example/x')}`,
        ),
      },
      'a byte appended': { ...genuine, body: `${genuine.body}&` },
      'a fresh timestamp on the old signature': {
        ...genuine,
        headers: { ...genuine.headers, 'x-slack-request-timestamp': String(ts + 1) },
      },
      'no signature': {
        ...genuine,
        headers: { 'content-type': FORM, 'x-slack-request-timestamp': String(ts) },
      },
      'no timestamp': {
        ...genuine,
        headers: { 'content-type': FORM, 'x-slack-signature': genuine.headers['x-slack-signature']! },
      },
      'signature of another scheme version': {
        ...genuine,
        headers: {
          ...genuine.headers,
          'x-slack-signature': genuine.headers['x-slack-signature']!.replace('v0=', 'v1='),
        },
      },
    };
    for (const [what, request] of Object.entries(tampered)) {
      expect((await send(request)).status, what).toBe(401);
    }
    expect(await jobCount()).toBe(before);
    // The genuine one still goes through: the refusals above were about the changes, not the request.
    expect((await send(genuine)).status).toBe(200);
    expect(await jobCount()).toBe(before + 1);
  });

  it("replayed unaltered within Slack's 5-minute window is acknowledged but classified once", async () => {
    const duplicates: string[] = [];
    const onDuplicate = ({ jobId }: { jobId: string }) => duplicates.push(jobId);
    events.on('duplicated', onDuplicate);
    try {
      const before = await jobCount();
      const command = sign(
        commandBody({ text: 'sunny', response_url: fake.responseUrl(slackId('r')) }).body,
        FORM,
      );
      const mention = sign(mentionBody({ text: 'rainy afternoon' }).body, 'application/json');
      for (const request of [command, mention]) {
        for (let i = 0; i < 3; i++) expect((await send(request)).status).toBe(200);
      }
      // Each replay reached the queue and was refused there as the same job.
      await waitFor(() => duplicates.length >= 4, { what: 'the four replays to be refused as duplicates' });
      expect(await jobCount()).toBe(before + 2);
      expect(new Set(duplicates).size).toBe(2);
    } finally {
      events.off('duplicated', onDuplicate);
    }
  });
});
