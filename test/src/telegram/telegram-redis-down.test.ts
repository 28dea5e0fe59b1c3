import { CLASSIFY_QUEUE, connectionFromUrl, requestIdFor } from '@switchboard/core';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDiscordTestModels, type DiscordTestModels } from '../discord/discord-test-models.js';
import { uniquePrefix } from '../helpers/redis-keys.js';
import { RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait-for.js';
import {
  ALICE,
  BOB,
  CHATS,
  message,
  privateChat,
  startTelegram,
  type TelegramUnderTest,
} from './telegram-harness.js';

let redis: RedisServer;
let models: DiscordTestModels;
let t: TelegramUnderTest;
let webhook: TelegramUnderTest;
const prefix = uniquePrefix('tgdown');
const SECRET = 'redis-down-secret';

beforeAll(async () => {
  // Its own Redis: this test stops it, which the shared one must never be.
  redis = await RedisServer.start();
  models = await createDiscordTestModels();
  t = await startTelegram({ redisUrl: redis.url, prefix, modelsDir: models.dir });
  // A second copy in webhook mode, talking to its own fake Telegram.
  webhook = await startTelegram({
    redisUrl: redis.url,
    prefix,
    modelsDir: models.dir,
    env: {
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    },
  });
  await redis.stop();
}, 60_000);

afterAll(async () => {
  await t?.plugin.close();
  await t?.fake.close();
  await webhook?.plugin.close();
  await webhook?.fake.close();
  await redis?.close();
  await models?.remove();
});

function send(...args: Parameters<typeof message>) {
  const msg = message(...args);
  t.fake.push({ message: msg });
  return msg;
}

it('stays up and answers /classify with "temporarily unavailable" while Redis is down', async () => {
  expect((await fetch(`${t.status.url}/readyz`)).status).toBe(503);
  // A watched message first: long polling handles updates in order, so once the command after it
  // is answered, the watched message has been handled too.
  const watched = send(CHATS.watched, BOB, 'you idiot');
  const msg = send(privateChat(ALICE), ALICE, '/classify I love resilience');
  const reply = await t.fake.waitForCall(
    'sendMessage',
    (c) => c.body.reply_parameters?.message_id === msg.message_id,
  );
  expect(reply.body.text).toBe(
    '⚠️ Switchboard is temporarily unavailable: its job queue cannot be reached. Please try again in a minute.',
  );
  // The unchecked watched message caused no Bot API call.
  expect(
    t.fake.calls.filter(
      (c) => c.body?.chat_id === CHATS.watched.id || c.body?.message_id === watched.message_id,
    ),
  ).toEqual([]);
  expect((await fetch(`${t.status.url}/healthz`)).status).toBe(200);
});

it('answers through the webhook too, with 200 so Telegram does not redeliver what was answered', async () => {
  const post = (msg: unknown) =>
    fetch(`${webhook.status.url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify({ update_id: webhook.fake.updateId(), message: msg }),
    });
  const watched = message(CHATS.watched, BOB, 'you idiot');
  expect((await post(watched)).status).toBe(200);
  const msg = message(privateChat(ALICE), ALICE, '/classify I love webhooks anyway');
  expect((await post(msg)).status).toBe(200);
  const reply = await webhook.fake.waitForCall(
    'sendMessage',
    (c) => c.body.reply_parameters?.message_id === msg.message_id,
  );
  expect(reply.body.text).toContain('temporarily unavailable');
  expect(webhook.fake.callsOf('sendMessage')).toHaveLength(1);
  expect(webhook.fake.callsOf('deleteMessage')).toHaveLength(0);
});

it('queues requests again by itself once Redis is back', async () => {
  await redis.resume();
  await waitFor(async () => (await fetch(`${t.status.url}/readyz`)).status === 200, {
    what: 'ready again after Redis came back',
  });
  const msg = send(privateChat(ALICE), ALICE, '/classify I love comebacks');
  const queue = new Queue(CLASSIFY_QUEUE, { connection: connectionFromUrl(redis.url), prefix });
  try {
    const id = requestIdFor('telegram', 'command', msg.chat.id, msg.message_id);
    await waitFor(async () => (await queue.getJobState(id)) === 'waiting', {
      what: 'the job in the classify queue',
    });
  } finally {
    await queue.close();
  }
  expect(
    t.fake.callsOf('sendMessage', (c) => c.body.reply_parameters?.message_id === msg.message_id),
  ).toEqual([]);
});
