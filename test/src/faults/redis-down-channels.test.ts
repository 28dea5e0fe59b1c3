import type { DiscordPlugin } from '@switchboard/plugin-discord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordHarness, IDS } from '../discord/discord-harness.js';
import { call as restCall } from '../discord/fake-discord-rest.js';
import { RedisServer } from '../helpers/redis-server.js';
import { waitFor, within } from '../helpers/wait-for.js';
import { type Api, call, startApi } from '../http/http-stack.js';
import { FakeSlack } from '../slack/fake-slack.js';
import { postSigned } from '../slack/signed-request.js';
import { SIGNING_SECRET, type SlackApp, startSlackApp } from '../slack/slack-harness.js';
import { commandBody, slackId } from '../slack/slack-payloads.js';

// Each channel's own outage test (test/src/slack/slack-redis-down.test.ts,
// test/src/discord/discord-redis-down.test.ts, test/src/http/redis-outage.test.ts) covers its
// messages in detail. This one runs all three and a worker on ONE Redis of its own, stops it, and
// checks that every channel answers within its deadline and that the whole stack recovers by
// itself once Redis is back, with nothing restarted.

/** Slack and Discord both give up on an acknowledgement after 3 s. */
const CHANNEL_DEADLINE_MS = 3_000;
const FORM = 'application/x-www-form-urlencoded';

let redis: RedisServer;
let h: DiscordHarness;
let discord: DiscordPlugin;
let fakeSlack: FakeSlack;
let slack: SlackApp;
let api: Api;

beforeAll(async () => {
  redis = await RedisServer.start();
  h = await DiscordHarness.start(redis.url);
  fakeSlack = await FakeSlack.start();
  const common = { redisUrl: redis.url, prefix: h.prefix, modelsDir: h.models.dir };
  [, discord, slack, api] = await Promise.all([
    h.startWorker(),
    h.startPlugin(),
    startSlackApp({
      ...common,
      defaultModel: 'sentiment',
      apiUrl: fakeSlack.apiUrl,
      env: { SLACK_USER_RATE_LIMIT: '1000' },
    }),
    startApi({ ...common, models: h.models }, { defaultModel: 'sentiment', predictModel: 'sentiment' }),
  ]);
});

afterAll(async () => {
  await redis?.resume();
  await api?.close();
  await slack?.plugin.close();
  await discord?.close();
  await fakeSlack?.close();
  await h?.close();
  await redis?.close();
});

/** `/classify text` from Slack; resolves with the acknowledgement and the response_url's id. */
async function slackCommand(text: string) {
  const responseId = slackId('r');
  const body = commandBody({ text, response_url: fakeSlack.responseUrl(responseId) }).body;
  const ack = await postSigned(slack.url, body, FORM, { secret: SIGNING_SECRET });
  return { ack, responseId };
}

function slackAnswer(responseId: string) {
  return fakeSlack.waitForCall(
    (c) => c.kind === 'response_url' && c.name === responseId && c.status === 200,
    `the answer on response_url ${responseId}`,
  );
}

/** The private "temporarily unavailable" answer to an interaction, before or after deferring. */
function discordUnavailable(id: string, token: string) {
  return h.fake.rest.waitForCall(
    (c) =>
      (c.method === 'POST' &&
        c.path === `/interactions/${id}/${token}/callback` &&
        c.body.type === 4 &&
        String(c.body.data?.content).includes('temporarily unavailable')) ||
      (c.method === 'POST' &&
        c.path === `/webhooks/${IDS.app}/${token}` &&
        String(c.body.content).includes('temporarily unavailable')),
    { timeoutMs: CHANNEL_DEADLINE_MS },
  );
}

/** Checks one classification end to end through every channel. */
async function everyChannelClassifies(): Promise<void> {
  const http = await call(api.url, 'POST', '/v1/classify', { body: { inputs: 'I love it' } });
  expect(http.status).toBe(200);
  expect(http.body.results[0].top.label).toBe('positive');

  const { ack, responseId } = await slackCommand('I love it');
  expect(ack.json?.text).toContain('Classifying');
  expect((await slackAnswer(responseId)).body.text).toMatch(/^positive \(\d+%\): I love it$/);

  const i = h.slash({ text: 'I love it' });
  const edit = await h.fake.rest.waitForCall(
    restCall('PATCH', `/webhooks/${IDS.app}/${i.token}/messages/@original`),
  );
  expect(edit.body.embeds[0].title).toContain('positive');
}

describe('Redis down under the whole stack', () => {
  it('classifies through HTTP, Slack and Discord while Redis is up', everyChannelClassifies);

  it('answers every channel within its deadline while Redis is down', async () => {
    await redis.stop();

    const http = await within(
      call(api.url, 'POST', '/v1/classify', { body: { inputs: 'I love it' } }),
      CHANNEL_DEADLINE_MS,
      'the HTTP answer with Redis down',
    );
    expect(http.status).toBe(503);
    expect(http.body).toMatchObject({ code: 'queue_unavailable', error: expect.any(String) });
    expect(Number(http.headers.get('retry-after'))).toBeGreaterThan(0);

    const { ack } = await within(
      slackCommand('I love it'),
      CHANNEL_DEADLINE_MS,
      'the Slack acknowledgement with Redis down',
    );
    expect(ack.status).toBe(200);
    expect(ack.json?.text).toContain('temporarily unavailable');

    const i = h.slash({ text: 'I love it' });
    const answer = await discordUnavailable(i.id, i.token);
    expect(answer.body.data?.flags ?? answer.body.flags).toBe(64);

    expect(h.worker?.running).toBe(true);
    await waitFor(async () => (await fetch(`${h.worker!.baseUrl}/readyz`)).status === 503, {
      what: 'the worker to report not ready',
    });
  });

  it('recovers by itself once Redis is back: nothing restarted, every channel classifies again', async () => {
    await redis.resume();
    // Each check is one real request; producers reconnect in the background within ~2 s.
    await waitFor(
      async () =>
        (await call(api.url, 'POST', '/v1/classify', { body: { inputs: 'I love it', wait: false } }))
          .status === 202,
      { intervalMs: 200, what: 'the HTTP API to accept work again' },
    );
    await waitFor(
      async () => (await slackCommand('I love it')).ack.json?.text?.toString().includes('Classifying'),
      {
        intervalMs: 200,
        what: 'Slack to queue commands again',
      },
    );
    await waitFor(async () => (await fetch(`${h.worker!.baseUrl}/readyz`)).status === 200, {
      what: 'the worker to be ready again',
    });
    await waitFor(
      async () => {
        const i = h.slash({ text: 'I love it' });
        const answer = await h.fake.rest.waitForCall(
          (c) => c.method === 'POST' && c.path === `/interactions/${i.id}/${i.token}/callback`,
        );
        return answer.body.type === 5;
      },
      { intervalMs: 200, what: 'Discord to defer and queue again' },
    );
    await everyChannelClassifies();
    expect(h.worker?.running).toBe(true);
  });
});
