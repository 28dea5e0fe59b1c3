import { CLASSIFY_QUEUE, connectionFromUrl } from '@switchboard/core';
import { telegramSettingsFromEnv } from '@switchboard/plugin-telegram';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordTestModels, type DiscordTestModels } from '../discord/discord-test-models.js';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';
import type { FakeBotApi } from './fake-bot-api.js';
import { ALICE, CHATS, message, startTelegram, type TelegramUnderTest, TOKEN } from './telegram-harness.js';

// Webhook mode: Telegram (here the test) posts updates to POST /telegram/webhook with the secret
// token it was given in setWebhook; the answers go out through the Bot API as in polling mode.

const redisUrl = SHARED_REDIS_URL;
const prefix = uniquePrefix('tgwh');
const SECRET = 'webhook-secret_0123456789';
const PUBLIC_URL = 'https://bot.example.com/telegram/webhook';
let models: DiscordTestModels;
let worker: WorkerProcess;
let t: TelegramUnderTest;
let fake: FakeBotApi;

beforeAll(async () => {
  models = await createDiscordTestModels();
  worker = await startWorker({ redisUrl, prefix, modelsDir: models.dir });
  t = await startTelegram({
    redisUrl,
    prefix,
    modelsDir: models.dir,
    env: { TELEGRAM_WEBHOOK_URL: PUBLIC_URL, TELEGRAM_WEBHOOK_SECRET: SECRET },
  });
  fake = t.fake;
}, 120_000);

afterAll(async () => {
  await t?.plugin.close();
  await t?.fake.close();
  await worker?.stop();
  await deletePrefixKeys(redisUrl, prefix);
  await models?.remove();
});

/** Posts an update to the plugin's webhook as Telegram would, with `secret` as the header (`null`: none). */
async function post(update: unknown, secret: string | null = SECRET): Promise<Response> {
  return fetch(`${t.status.url}/telegram/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(secret !== null ? { 'x-telegram-bot-api-secret-token': secret } : {}),
    },
    body: JSON.stringify(update),
  });
}

async function queuedJobs(): Promise<number> {
  const queue = new Queue(CLASSIFY_QUEUE, { connection: connectionFromUrl(redisUrl), prefix });
  try {
    const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  } finally {
    await queue.close();
  }
}

describe('webhook mode', () => {
  it('sets the webhook with its secret_token at start and never polls', () => {
    expect(t.status.mode).toBe('webhook');
    const set = fake.callsOf('setWebhook');
    expect(set).toHaveLength(1);
    expect(set[0]!.body).toMatchObject({ url: PUBLIC_URL, secret_token: SECRET });
    expect(fake.callsOf('getUpdates')).toHaveLength(0);
    expect(fake.callsOf('setMyCommands')).toHaveLength(1);
  });

  it('answers a /classify posted to the webhook with a reply', async () => {
    const msg = message(CHATS.group, ALICE, '/classify I love webhooks');
    const res = await post({ update_id: fake.updateId(), message: msg });
    expect(res.status).toBe(200);
    const reply = await fake.waitForCall(
      'sendMessage',
      (c) => c.body.reply_parameters?.message_id === msg.message_id,
    );
    expect(reply.body.chat_id).toBe(CHATS.group.id);
    expect(reply.body.text).toMatch(/^<b>positive<\/b>[\s\S]*sentiment v1\.2\.3/);
  });

  it('checks watched chats: a flagged message is replied to and reported, a benign one costs no call', async () => {
    const benign = message(CHATS.watched, ALICE, 'what a lovely day');
    expect((await post({ update_id: fake.updateId(), message: benign })).status).toBe(200);
    const flagged = message(CHATS.watched, ALICE, 'you idiot');
    expect((await post({ update_id: fake.updateId(), message: flagged })).status).toBe(200);
    const flag = await fake.waitForCall(
      'sendMessage',
      (c) => c.body.reply_parameters?.message_id === flagged.message_id,
    );
    expect(flag.body.text).toMatch(/^⚠️ Flagged: offensive \d+% \(toxicity\)$/);
    await fake.waitForCall(
      'sendMessage',
      (c) => c.body.chat_id === CHATS.admin.id && c.body.text.includes(`/${flagged.message_id}`),
    );
    // Both were queued together; give the benign one's delivery the same time, then check nothing went out for it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      fake.calls.filter((c) => JSON.stringify(c.body).includes(`"message_id":${benign.message_id}`)),
    ).toEqual([]);
  });

  it('refuses a forged or missing secret with 401 and queues nothing', async () => {
    const before = await queuedJobs();
    const sent = fake.calls.length;
    for (const secret of ['not-the-secret', `${SECRET}x`, '', null]) {
      const msg = message(CHATS.group, ALICE, '/classify I love forgeries');
      const res = await post({ update_id: fake.updateId(), message: msg }, secret);
      expect({ secret, status: res.status }).toEqual({ secret, status: 401 });
    }
    // A forged watched-chat message is not checked either.
    const watched = message(CHATS.watched, ALICE, 'you idiot');
    expect((await post({ update_id: fake.updateId(), message: watched }, 'forged')).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await queuedJobs()).toBe(before);
    expect(fake.calls.slice(sent)).toEqual([]);
  });

  it('refuses bodies that are not updates and other methods', async () => {
    const notJson = await fetch(`${t.status.url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'x-telegram-bot-api-secret-token': SECRET },
      body: 'not json',
    });
    expect(notJson.status).toBe(400);
    expect((await post({ hello: 1 })).status).toBe(400);
    expect((await fetch(`${t.status.url}/telegram/webhook`)).status).toBe(405);
  });

  it('serves /healthz and /metrics on the same port', async () => {
    expect((await fetch(`${t.status.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${t.status.url}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_channel_requests_total\{[^}]*\} [1-9]/);
  });
});

describe('webhook settings', () => {
  const base = { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_URL: PUBLIC_URL };

  it('requires TELEGRAM_WEBHOOK_SECRET in webhook mode', () => {
    expect(() => telegramSettingsFromEnv(base)).toThrow(
      /TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set/,
    );
  });

  it('refuses a secret Telegram would not accept, without echoing it', () => {
    let error: Error | undefined;
    try {
      telegramSettingsFromEnv({ ...base, TELEGRAM_WEBHOOK_SECRET: 'has spaces and $ymbols' });
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(/^TELEGRAM_WEBHOOK_SECRET: must be 1-256 characters/);
    expect(error?.message).not.toContain('ymbols');
  });

  it('refuses a malformed token without echoing it', () => {
    expect(() => telegramSettingsFromEnv({ TELEGRAM_BOT_TOKEN: 'nonsense-token' })).toThrow(
      /^TELEGRAM_BOT_TOKEN: must be the token BotFather gave/,
    );
  });
});
