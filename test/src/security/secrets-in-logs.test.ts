import { requestIdFor } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordHarness, IDS } from '../discord/discord-harness.js';
import { call as restCall } from '../discord/fake-discord-rest.js';
import { RedisServer } from '../helpers/redis-server.js';
import { ServiceProcess } from '../helpers/service-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { FakeSlack } from '../slack/fake-slack.js';
import { postSigned } from '../slack/signed-request.js';
import { commandBody, mentionBody, slackId } from '../slack/slack-payloads.js';
import { FakeBotApi } from '../telegram/fake-bot-api.js';
import { CHATS, message as telegramMessage } from '../telegram/telegram-harness.js';
import { findSecret, secretForms } from './secret-forms.js';

// Every service as a real process, every secret configured, debug logging everywhere; each service
// is used rightly and wrongly, then everything the processes wrote is searched for every secret in
// every obvious encoding. Secrets are chosen with characters ('/', '+', '=', '%', ' ', '@') whose
// encodings differ from the plain text, so an encoded leak cannot hide behind the plain check.

const SECRETS = {
  redisPassword: 'redis+Pass/word=4821',
  wrongRedisPassword: 'not+the/redis=pass99',
  apiKeyAlice: 'alice+Key/0123456789=abc',
  apiKeyBob: 'bob.Key-9876543210+xyz/',
  slackSigningSecret: 'slack+Signing/Secret=0123456789abcdef',
  slackBotToken: 'xoxb-1234567890-0987654321-BotTokenSecret42',
  discordToken: 'discord.Bot+Token/Secret=1234567890',
  // Telegram allows only [A-Za-z0-9_-] in both.
  telegramBotToken: '5550001234:AAtelegram-Bot_TokenSecret0987654321',
  telegramWebhookSecret: 'tg_Webhook-Secret_0123456789',
  dashboardAdminPassword: 'Adm1n p@ss/word+=%42',
  dashboardViewerPassword: 'View3r p@ss/word+=%17',
  dashboardUserPassword: 'car:ol p@ss/word+=%99',
  dashboardToken: 'dash+Board/Token=0123456789',
} as const;

let redis: RedisServer;
let h: DiscordHarness;
let fakeSlack: FakeSlack;
let fakeTelegram: FakeBotApi;
const services: Record<string, ServiceProcess> = {};
/** Interaction tokens Discord handed out during the run: secrets too, though not configured. */
const interactionTokens: string[] = [];

function common(): Record<string, string> {
  return {
    REDIS_URL: redis.url,
    SWITCHBOARD_QUEUE_PREFIX: h.prefix,
    SWITCHBOARD_MODELS: h.models.dir,
    SWITCHBOARD_DEFAULT_MODEL: 'sentiment',
    LOG_LEVEL: 'debug',
  };
}

beforeAll(async () => {
  redis = await RedisServer.start({ password: SECRETS.redisPassword });
  h = await DiscordHarness.start(redis.url);
  fakeSlack = await FakeSlack.start();
  fakeTelegram = await FakeBotApi.start(SECRETS.telegramBotToken);
  const [worker, http, slack, discord, telegram, dashboard, httpWrongRedis] = await Promise.all([
    ServiceProcess.start('worker', { ...common(), WORKER_PROCESSES: '1', WORKER_METRICS_PORT: '0' }),
    ServiceProcess.start('http', {
      ...common(),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      HTTP_API_KEYS: `alice:${SECRETS.apiKeyAlice},${SECRETS.apiKeyBob}`,
      HTTP_PREDICT_MODEL: 'sentiment',
    }),
    ServiceProcess.start('slack', {
      ...common(),
      SLACK_BOT_TOKEN: SECRETS.slackBotToken,
      SLACK_SIGNING_SECRET: SECRETS.slackSigningSecret,
      SLACK_PORT: '0',
      SLACK_HOST: '127.0.0.1',
      SLACK_API_URL: fakeSlack.apiUrl,
    }),
    ServiceProcess.start('discord', { ...h.env(common()), DISCORD_TOKEN: SECRETS.discordToken }),
    ServiceProcess.start('telegram', {
      ...common(),
      TELEGRAM_BOT_TOKEN: SECRETS.telegramBotToken,
      TELEGRAM_API_ROOT: fakeTelegram.url,
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
      TELEGRAM_WEBHOOK_SECRET: SECRETS.telegramWebhookSecret,
      TELEGRAM_PORT: '0',
      TELEGRAM_HOST: '127.0.0.1',
    }),
    ServiceProcess.start('dashboard', {
      ...common(),
      DASHBOARD_HOST: '127.0.0.1',
      DASHBOARD_PORT: '0',
      DASHBOARD_ADMIN_PASSWORD: SECRETS.dashboardAdminPassword,
      DASHBOARD_VIEWER_PASSWORD: SECRETS.dashboardViewerPassword,
      DASHBOARD_USERS: `carol:${SECRETS.dashboardUserPassword}:viewer`,
      DASHBOARD_TOKEN: SECRETS.dashboardToken,
    }),
    // A misconfigured copy: Redis refuses its password, and it must not print the one it has.
    ServiceProcess.start('http', {
      ...common(),
      REDIS_URL: redis.url.replace(
        encodeURIComponent(SECRETS.redisPassword),
        encodeURIComponent(SECRETS.wrongRedisPassword),
      ),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      HTTP_API_KEYS: SECRETS.apiKeyAlice,
    }),
  ]);
  Object.assign(services, { worker, http, slack, discord, telegram, dashboard, httpWrongRedis });
});

afterAll(async () => {
  await Promise.all(Object.values(services).map((s) => s.stop()));
  await fakeSlack?.close();
  await fakeTelegram?.close();
  await h?.close();
  await redis?.close();
});

const url = (name: string) => String(services[name]!.ready.url);

async function http(name: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${url(name)}${path}`, { ...init, signal: AbortSignal.timeout(20_000) });
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });

describe('secrets never reach a log', () => {
  it('the detector finds a secret in each encoding it claims to cover', () => {
    const secret = SECRETS.dashboardAdminPassword;
    const samples = [
      `password=${secret}`,
      `body: ${new URLSearchParams({ user: 'admin', password: secret })}`,
      `authorization: Basic ${Buffer.from(`admin:${secret}`).toString('base64')}`,
      `x: ${Buffer.from(`ab${secret}`).toString('base64url')}`,
      JSON.stringify({ password: secret }),
      `hex ${Buffer.from(secret).toString('hex')}`,
    ];
    for (const sample of samples) expect(findSecret(sample, secret), sample).not.toEqual([]);
    expect(secretForms(secret).length).toBeGreaterThan(5);
  });

  it('HTTP API: right, wrong, missing and misplaced keys, bad bodies and errors', async () => {
    const ok = await http('http', '/v1/classify', {
      method: 'POST',
      headers: bearer(SECRETS.apiKeyAlice),
      body: JSON.stringify({ inputs: 'I love it' }),
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { results: { top: { label: string } }[] }).results[0]!.top.label).toBe(
      'positive',
    );
    expect((await http('http', '/v1/models', { headers: bearer(SECRETS.apiKeyBob) })).status).toBe(200);
    const refused = [
      await http('http', '/v1/models', { headers: bearer(`${SECRETS.apiKeyAlice}x`) }),
      await http('http', '/v1/models', { headers: bearer(SECRETS.apiKeyAlice.slice(0, -1)) }),
      await http('http', '/v1/models'),
      await http('http', '/v1/models', {
        headers: { authorization: `Basic ${Buffer.from(`alice:${SECRETS.apiKeyAlice}`).toString('base64')}` },
      }),
      await http('http', `/v1/models?api_key=${encodeURIComponent(SECRETS.apiKeyAlice)}`),
      await http('http', '/v1/models', { headers: { 'x-api-key': SECRETS.apiKeyAlice } }),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
    for (const r of refused) expect(await r.text()).not.toContain(SECRETS.apiKeyAlice);
    const errors = [
      await http('http', '/v1/classify', {
        method: 'POST',
        headers: bearer(SECRETS.apiKeyAlice),
        body: '{"inputs":',
      }),
      await http('http', '/v1/classify', {
        method: 'POST',
        headers: bearer(SECRETS.apiKeyAlice),
        body: JSON.stringify({ inputs: 'x', model: 'nope' }),
      }),
      await http('http', '/v1/jobs/http-0000', { headers: bearer(SECRETS.apiKeyAlice) }),
      await http('http', '/predict', { method: 'POST', headers: bearer(SECRETS.apiKeyAlice), body: '[]' }),
    ];
    expect(errors.map((r) => r.status)).toEqual([400, 404, 404, 422]);
    // The copy whose Redis password is wrong: unavailable, and it says where Redis is, not the password.
    const down = await http('httpWrongRedis', '/v1/classify', {
      method: 'POST',
      headers: bearer(SECRETS.apiKeyAlice),
      body: JSON.stringify({ inputs: 'I love it' }),
    });
    expect(down.status).toBe(503);
    const body = await down.text();
    expect(body).toContain('127.0.0.1');
    expect(findSecret(body, SECRETS.wrongRedisPassword)).toEqual([]);
  });

  it('Slack: a command answered, a forged one refused, a mention, an unknown model, a failed post', async () => {
    const form = 'application/x-www-form-urlencoded';
    const responseId = slackId('r');
    const good = commandBody({ text: 'I love it', response_url: fakeSlack.responseUrl(responseId) });
    // Slack's first answer fails: the plugin retries, and logs the failure.
    fakeSlack.script(`response/${responseId}`, { status: 500, body: 'oops' });
    const ack = await postSigned(url('slack'), good.body, form, { secret: SECRETS.slackSigningSecret });
    expect(ack.json?.text).toContain('Classifying');
    const answer = await fakeSlack.waitForCall(
      (c) => c.name === responseId && c.status === 200,
      'the answer after one failed post',
    );
    expect(answer.body.text).toMatch(/^positive/);

    const forged = commandBody({ text: 'I love it', response_url: fakeSlack.responseUrl(slackId('r')) });
    expect((await postSigned(url('slack'), forged.body, form, { secret: 'wrong-secret' })).status).toBe(401);
    const unknown = commandBody({ text: 'model:nope hi', response_url: fakeSlack.responseUrl(slackId('r')) });
    const unknownAck = await postSigned(url('slack'), unknown.body, form, {
      secret: SECRETS.slackSigningSecret,
    });
    expect(unknownAck.json?.text).toContain('nope');

    const mention = mentionBody({ text: 'I hate waiting' });
    expect(
      (
        await postSigned(url('slack'), mention.body, 'application/json', {
          secret: SECRETS.slackSigningSecret,
        })
      ).status,
    ).toBe(200);
    const reply = await fakeSlack.waitForCall(
      (c) => c.name === 'chat.postMessage' && c.body.thread_ts === mention.ts,
      'the answer to the mention',
    );
    // The bot token was really used: Slack saw it, the logs must not.
    expect(reply.headers.authorization).toBe(`Bearer ${SECRETS.slackBotToken}`);
  });

  it('Discord: a slash command answered, an edit refused, an unknown model', async () => {
    const i = h.slash({ text: 'I love it' });
    interactionTokens.push(i.token);
    const edit = await h.fake.rest.waitForCall(
      restCall('PATCH', `/webhooks/${IDS.app}/${i.token}/messages/@original`),
    );
    expect(edit.body.embeds[0].title).toContain('positive');
    expect(h.fake.gateway.identified.at(-1)?.token).toBe(SECRETS.discordToken);

    // Discord refuses the next edit (an expired interaction token): the plugin answers another way.
    h.fake.rest.failNext((c) => c.method === 'PATCH', {
      status: 401,
      body: { message: '401: Unauthorized', code: 0 },
    });
    const refused = h.slash({ text: 'I hate it' });
    interactionTokens.push(refused.token);
    await waitFor(
      async () => (await h.deliveryState(requestIdFor('discord', 'interaction', refused.id))) === 'completed',
      { what: 'the delivery after the refused edit' },
    );
    const unknown = h.slash({ text: 'hello', model: 'nope' });
    interactionTokens.push(unknown.token);
    await h.fake.rest.waitForCall((c) => c.method === 'POST' && c.path.includes(unknown.token));
  });

  it('Telegram: a command answered, a forged webhook refused, an unknown model, a refused post', async () => {
    const post = (update: unknown, secret: string) =>
      fetch(url('telegram'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(20_000),
      });
    const from = { id: 4242, is_bot: false, first_name: 'Dana' };
    const ask = telegramMessage(CHATS.group, from, '/classify I love it');
    expect(
      (await post({ update_id: fakeTelegram.updateId(), message: ask }, SECRETS.telegramWebhookSecret))
        .status,
    ).toBe(200);
    const reply = await fakeTelegram.waitForCall(
      'sendMessage',
      (c) => c.body.reply_parameters?.message_id === ask.message_id,
    );
    expect(reply.body.text).toContain('positive');

    const forged = telegramMessage(CHATS.group, from, '/classify I love forgeries');
    expect(
      (
        await post(
          { update_id: fakeTelegram.updateId(), message: forged },
          `${SECRETS.telegramWebhookSecret}x`,
        )
      ).status,
    ).toBe(401);

    const unknown = telegramMessage(CHATS.group, from, '/classify model:nope hi');
    await post({ update_id: fakeTelegram.updateId(), message: unknown }, SECRETS.telegramWebhookSecret);
    await fakeTelegram.waitForCall(
      'sendMessage',
      (c) => c.body.reply_parameters?.message_id === unknown.message_id,
    );

    // Telegram refuses the next answer: the delivery gives up and says why, in the log.
    fakeTelegram.failNext('sendMessage', { error_code: 400, description: 'Bad Request: chat not found' });
    const refused = telegramMessage(CHATS.group, from, '/classify I hate it');
    await post({ update_id: fakeTelegram.updateId(), message: refused }, SECRETS.telegramWebhookSecret);
    await waitFor(() => services.telegram!.output.includes('chat not found'), {
      what: 'the refused post logged',
    });
  });

  it('dashboard: logins right and wrong, a token, a viewer acting, no login at all', async () => {
    const base = url('dashboard');
    const login = (user: string, password: string) =>
      fetch(`${base}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
        body: new URLSearchParams({ user, password, next: '/' }),
        redirect: 'manual',
      });
    expect((await login('admin', SECRETS.dashboardAdminPassword)).status).toBe(303);
    expect((await login('admin', `${SECRETS.dashboardAdminPassword}!`)).status).toBe(401);
    expect((await login('carol', SECRETS.dashboardUserPassword)).status).toBe(303);
    const viewer = await login('viewer', SECRETS.dashboardViewerPassword);
    expect(viewer.status).toBe(303);
    const cookie = viewer.headers.get('set-cookie')!.split(';')[0]!;
    const session = await fetch(`${base}/api/session`, { headers: { cookie } });
    const { csrfToken } = (await session.json()) as { csrfToken: string };
    const act = await fetch(`${base}/api/queues/classify/pause`, {
      method: 'POST',
      headers: { cookie, origin: base, 'x-csrf-token': csrfToken },
    });
    expect(act.status).toBe(403);
    expect((await login('', SECRETS.dashboardToken)).status).toBe(303);
    const byToken = await fetch(`${base}/api/overview`, {
      headers: { authorization: `Bearer ${SECRETS.dashboardToken}` },
    });
    expect(byToken.status).toBe(200);
    const wrongToken = await fetch(`${base}/api/overview`, {
      headers: { authorization: `Bearer ${SECRETS.dashboardToken}x` },
    });
    expect(wrongToken.status).toBe(401);
    expect((await fetch(`${base}/api/overview`)).status).toBe(401);
    const page = await fetch(`${base}/`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toMatch(/^\/login/);
  });

  it('finds no secret, in any encoding, in anything any process wrote', async () => {
    // Stop everything first: a graceful stop flushes the logs and writes the shutdown lines too.
    await Promise.all(Object.values(services).map((s) => s.stop()));
    const outputs = Object.entries(services).map(([name, s]) => [name, s.output] as const);
    // Each process did write at debug level (an empty log would make this check meaningless).
    for (const [name, output] of outputs) expect(output.length, `${name} wrote nothing`).toBeGreaterThan(200);
    expect(services.worker!.output).toContain('job completed');
    expect(services.slack!.output).toContain('queued');
    expect(services.discord!.output).toContain('"msg":"queued"');
    expect(services.telegram!.output).toContain('"msg":"queued"');
    expect(services.dashboard!.output).toContain('login');

    const secrets: Record<string, string> = { ...SECRETS };
    interactionTokens.forEach((token, i) => {
      secrets[`discordInteractionToken${i}`] = token;
    });
    const leaks: string[] = [];
    for (const [name, output] of outputs) {
      for (const [what, secret] of Object.entries(secrets)) {
        for (const hit of findSecret(output, secret)) leaks.push(`${name} wrote ${what} as ${hit}`);
      }
    }
    expect(leaks).toEqual([]);
    const bytes = outputs.reduce((sum, [, o]) => sum + o.length, 0);
    console.log(
      `secrets scan: ${Object.keys(secrets).length} secrets × ${secretForms(SECRETS.apiKeyAlice).length} forms ` +
        `over ${(bytes / 1_024).toFixed(0)} kB from ${outputs.length} processes: none found`,
    );
  });
});
