import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisServer } from '../helpers/redis-server.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { waitFor, within } from '../helpers/wait-for.js';
import { FakeSlack } from './fake-slack.js';
import { postSigned } from './signed-request.js';
import { SIGNING_SECRET, type SlackApp, startSlackApp } from './slack-harness.js';
import { commandBody, slackId } from './slack-payloads.js';

const FORM = 'application/x-www-form-urlencoded';

/** Slack gives up on an acknowledgement after 3 s. */
const SLACK_ACK_DEADLINE_MS = 3_000;

// Its own redis-server: this file stops Redis, which the shared one must never suffer.
let redis: RedisServer;
let models: TestModels;
let fake: FakeSlack;
let app: SlackApp;

beforeAll(async () => {
  [redis, models, fake] = await Promise.all([RedisServer.start(), createTestModels(), FakeSlack.start()]);
  app = await startSlackApp({
    redisUrl: redis.url,
    prefix: 'slack-redis-down',
    modelsDir: models.dir,
    defaultModel: FAST_MODEL,
    apiUrl: fake.apiUrl,
    env: { SLACK_USER_RATE_LIMIT: '2' },
  });
});

afterAll(async () => {
  await redis?.resume();
  await app?.plugin.close();
  await fake?.close();
  await redis?.close();
  await models?.remove();
});

async function command(text: string, user_id?: string) {
  const sent = commandBody({
    text,
    response_url: fake.responseUrl(slackId('r')),
    ...(user_id ? { user_id } : {}),
  });
  return postSigned(app.url, sent.body, FORM, { secret: SIGNING_SECRET });
}

it('limits how often one person classifies, with a friendly message', async () => {
  const user = slackId('U');
  for (let i = 0; i < 2; i++) expect((await command('sunny', user)).json?.text).toContain('Classifying');
  const third = await command('sunny', user);
  expect(third.json?.response_type).toBe('ephemeral');
  expect(third.json?.text).toMatch(/you can classify 2 texts a minute\. Try again in \d+ s\./);
  // Someone else is not held back.
  expect((await command('sunny')).json?.text).toContain('Classifying');
});

it('acknowledges "temporarily unavailable" within Slack\'s deadline while Redis is down, and recovers', async () => {
  await redis.stop();
  const down = await within(command('sunny'), SLACK_ACK_DEADLINE_MS, 'the acknowledgement with Redis down');
  expect(down.status).toBe(200);
  expect(down.json?.response_type).toBe('ephemeral');
  expect(down.json?.text).toContain('temporarily unavailable');
  expect(down.json?.text).toContain('try again in a minute');

  await redis.resume();
  // The producer reconnects on its own; each check is one real command, answered at once.
  const text = await waitFor(
    async () => {
      const answer = String((await command('sunny')).json?.text);
      return answer.includes('Classifying') ? answer : undefined;
    },
    { what: 'a command to be queued again after Redis came back', intervalMs: 200 },
  );
  expect(text).toContain('Classifying');
});

it('starts while Redis is down, answers "temporarily unavailable", and serves once Redis is up', async () => {
  await redis.stop();
  const late = await startSlackApp({
    redisUrl: redis.url,
    prefix: 'slack-redis-late',
    modelsDir: models.dir,
    defaultModel: FAST_MODEL,
    apiUrl: fake.apiUrl,
  });
  try {
    const send = (text: string) =>
      postSigned(late.url, commandBody({ text, response_url: fake.responseUrl(slackId('r')) }).body, FORM, {
        secret: SIGNING_SECRET,
      });
    const down = await within(
      send('sunny'),
      SLACK_ACK_DEADLINE_MS,
      'the acknowledgement before Redis was ever reached',
    );
    expect(down.json?.text).toContain('temporarily unavailable');

    await redis.resume();
    await waitFor(async () => String((await send('sunny')).json?.text).includes('Classifying'), {
      what: 'the first command queued once Redis is up',
      intervalMs: 200,
    });
    await waitFor(() => late.logs.some((line) => line.includes('delivery consumer connected')), {
      what: 'the delivery consumer to connect',
    });
  } finally {
    await late.plugin.close();
  }
});
