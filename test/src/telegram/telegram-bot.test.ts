import { connectionFromUrl, deliveryQueueName, requestIdFor } from '@switchboard/core';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordTestModels, type DiscordTestModels } from '../discord/discord-test-models.js';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';
import { BOT_USER, type FakeBotApi } from './fake-bot-api.js';
import {
  ALICE,
  BOB,
  CAROL,
  CHATS,
  message,
  OTHER_BOT,
  privateChat,
  startTelegram,
  type TelegramUnderTest,
} from './telegram-harness.js';

// Long-polling mode: grammY's real Bot polls a fake Bot API; a real worker process classifies
// with small models whose scores are known (sentiment: "love"/"hate"; toxicity: "idiot"; spam: "prize").

const redisUrl = SHARED_REDIS_URL;
const prefix = uniquePrefix('tg');
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
    env: { TELEGRAM_USER_RATE_LIMIT: '6' },
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

/** Sends a message through long polling and returns it. */
function send(...args: Parameters<typeof message>) {
  const msg = message(...args);
  fake.push({ message: msg });
  return msg;
}

/** The bot's reply to `msg`. */
function replyTo(
  msg: { message_id: number; chat: { id: number } },
  where: (text: string) => boolean = () => true,
) {
  return fake.waitForCall(
    'sendMessage',
    (c) =>
      c.body.chat_id === msg.chat.id &&
      c.body.reply_parameters?.message_id === msg.message_id &&
      where(String(c.body.text)),
  );
}

describe('start-up in long-polling mode', () => {
  it('checks the token, registers the command menu and deletes any webhook before polling', async () => {
    await fake.waitForCall('getUpdates');
    expect(t.status).toMatchObject({ bot: `@${BOT_USER.username}`, mode: 'polling', watchedChats: 2 });
    const order = fake.calls.map((c) => c.method);
    expect(order[0]).toBe('getMe');
    expect(
      fake.callsOf('setMyCommands')[0]?.body.commands.map((c: { command: string }) => c.command),
    ).toEqual(['classify', 'models', 'help']);
    expect(order.indexOf('deleteWebhook')).toBeGreaterThan(-1);
    expect(order.indexOf('deleteWebhook')).toBeLessThan(order.indexOf('getUpdates'));
    expect(fake.callsOf('setWebhook')).toHaveLength(0);
  });

  it('serves /healthz, /readyz and /metrics on TELEGRAM_PORT', async () => {
    expect((await fetch(`${t.status.url}/healthz`)).status).toBe(200);
    await waitFor(async () => (await fetch(`${t.status.url}/readyz`)).status === 200, { what: 'ready' });
    const metrics = await (await fetch(`${t.status.url}/metrics`)).text();
    expect(metrics).toContain('switchboard_channel_requests_total');
    expect((await fetch(`${t.status.url}/telegram/webhook`, { method: 'POST', body: '{}' })).status).toBe(
      404,
    );
  });
});

describe('/classify', () => {
  it('replies to the asking message with top label, score bar, model and version', async () => {
    const msg = send(privateChat(ALICE), ALICE, '/classify I love this');
    const reply = await replyTo(msg);
    expect(reply.body.parse_mode).toBe('HTML');
    expect(reply.body.text).toMatch(/^<b>positive<\/b> \d+%/);
    expect(reply.body.text).toMatch(/<pre>positive +█+░* \d+%/);
    expect(reply.body.text).toContain('sentiment v1.2.3');
  });

  it('takes a model word, model:NAME and NAME@VERSION, and the bot-addressed form in groups', async () => {
    const named = send(CHATS.group, ALICE, `/classify@${BOT_USER.username} toxicity you idiot`);
    expect((await replyTo(named)).body.text).toMatch(/^<b>offensive<\/b>.*[\s\S]*toxicity v2\.0\.0/);

    const explicit = send(CHATS.group, ALICE, '/classify model:spam win a prize');
    expect((await replyTo(explicit)).body.text).toMatch(/^<b>spam<\/b>[\s\S]*spam v3\.0\.0/);

    const versioned = send(CHATS.group, BOB, '/classify sentiment@1.2.3 I hate rain');
    expect((await replyTo(versioned)).body.text).toMatch(/^<b>negative<\/b>/);

    // A first word that is no model is just part of the text.
    const plain = send(CHATS.group, BOB, '/classify great love');
    expect((await replyTo(plain)).body.text).toContain('sentiment v1.2.3');
  });

  it('classifies the replied-to message when sent as a reply', async () => {
    const original = message(CHATS.group, BOB, 'I hate mondays');
    const msg = send(CHATS.group, ALICE, '/classify', { reply_to_message: original });
    const reply = await replyTo(msg);
    expect(reply.body.text).toMatch(/^<b>negative<\/b>/);

    const photo = message(CHATS.group, BOB, undefined, {
      photo: [{ file_id: 'x', file_unique_id: 'y', width: 1, height: 1 }],
    });
    const noText = send(CHATS.group, ALICE, '/classify toxicity', { reply_to_message: photo });
    expect((await replyTo(noText)).body.text).toContain('has no text or caption');
  });

  it('answers bad input at once with what to do', async () => {
    const unknown = send(CHATS.group, BOB, '/classify model:nope hello');
    expect((await replyTo(unknown)).body.text).toBe(
      '⚠️ There is no model “nope”. Models: sentiment, spam, toxicity.',
    );
    const version = send(CHATS.group, BOB, '/classify sentiment@9.9.9 I love it');
    expect((await replyTo(version)).body.text).toContain(
      'has no version 9.9.9 here; it answers with version 1.2.3',
    );
    const empty = send(CHATS.group, BOB, '/classify');
    expect((await replyTo(empty)).body.text).toContain('Give a text');
    const long = send(CHATS.group, BOB, `/classify ${'love '.repeat(900)}`);
    expect((await replyTo(long)).body.text).toMatch(
      /is 4\d{3} characters long; Telegram messages hold at most 4096/,
    );
  });

  it('holds each person to TELEGRAM_USER_RATE_LIMIT and says when to try again', async () => {
    const asks = [1, 2, 3, 4, 5, 6, 7].map((n) =>
      send(privateChat(CAROL), CAROL, `/classify love number ${n}`),
    );
    const over = await replyTo(asks[6]!, (text) => text.includes('Easy there'));
    expect(over.body.text).toMatch(/you can classify 6 texts a minute\. Try again in \d+ s\./);
    for (const ask of asks.slice(0, 6)) await replyTo(ask, (text) => text.includes('positive'));
  });

  it("waits out Telegram's 429 retry_after, then delivers", async () => {
    fake.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    const msg = send(privateChat(BOB), BOB, '/classify love under pressure');
    const delivered = await replyTo(msg);
    const attempts = fake.callsOf(
      'sendMessage',
      (c) => c.body.reply_parameters?.message_id === msg.message_id,
    );
    expect(attempts).toHaveLength(2);
    expect(delivered.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
  });
});

describe('/models and /help', () => {
  it('lists the models with versions and labels', async () => {
    const msg = send(privateChat(ALICE), ALICE, '/models');
    const reply = await replyTo(msg);
    expect(reply.body.text).toContain('<b>sentiment</b> v1.2.3 (default): negative, neutral, positive');
    expect(reply.body.text).toContain('<b>toxicity</b> v2.0.0');
  });

  it('explains the commands on /help and /start', async () => {
    for (const command of ['/help', '/start']) {
      const msg = send(privateChat(ALICE), ALICE, command);
      const reply = await replyTo(msg);
      expect(reply.body.text).toContain('/classify as a reply');
      expect(reply.body.text).toContain('Models: sentiment, spam, toxicity (default sentiment)');
    }
  });
});

describe('watched chats', () => {
  const deliveries = () =>
    new Queue(deliveryQueueName('telegram'), { connection: connectionFromUrl(redisUrl), prefix });

  async function delivered(chatId: number, messageId: number, model: string): Promise<void> {
    const queue = deliveries();
    try {
      const id = requestIdFor('telegram', 'watch', chatId, messageId, 0, model);
      await waitFor(async () => (await queue.getJobState(id)) === 'completed', {
        what: `the delivery of ${model} on message ${messageId}`,
      });
    } finally {
      await queue.close();
    }
  }

  it('makes no Bot API call at all for a benign message', async () => {
    const before = fake.calls.length;
    const msg = send(CHATS.watched, ALICE, 'what a lovely morning');
    await delivered(CHATS.watched.id, msg.message_id, 'toxicity');
    expect(fake.calls.slice(before).filter((c) => c.method !== 'getUpdates')).toEqual([]);
  });

  it('replies to a flagged message and tells the admin chat with label, score and link', async () => {
    const msg = send(CHATS.watched, BOB, 'you idiot');
    const flag = await replyTo(msg);
    expect(flag.body.text).toMatch(/^⚠️ Flagged: offensive \d+% \(toxicity\)$/);
    const note = await fake.waitForCall(
      'sendMessage',
      (c) => c.body.chat_id === CHATS.admin.id && c.body.text.includes(`/${msg.message_id}`),
    );
    expect(note.body.text).toContain('Flagged</b> in Moderated: flagged');
    expect(note.body.text).toMatch(/offensive: \d+% \(threshold 80%, toxicity\)/);
    expect(note.body.text).toContain('From: Bob (@bob)');
    expect(note.body.text).toContain('Text: you idiot');
    expect(note.body.text).toContain(`https://t.me/c/1000000111/${msg.message_id}`);
    expect(fake.callsOf('deleteMessage')).toHaveLength(0);
  });

  it('deletes a flagged message where the action says so, and links the public chat', async () => {
    const msg = send(CHATS.watchedDelete, ALICE, 'claim your prize');
    const deleted = await fake.waitForCall('deleteMessage', (c) => c.body.message_id === msg.message_id);
    expect(deleted.body.chat_id).toBe(CHATS.watchedDelete.id);
    const note = await fake.waitForCall(
      'sendMessage',
      (c) => c.body.chat_id === CHATS.admin.id && c.body.text.includes(`/${msg.message_id}`),
    );
    expect(note.body.text).toContain('in Strict: deleted');
    expect(note.body.text).toContain(`https://t.me/strictchat/${msg.message_id}`);
    expect(note.body.text).toMatch(/spam: \d+% \(threshold 90%, spam\)/);
    // Deleted, so no flagging reply in the chat.
    await delivered(CHATS.watchedDelete.id, msg.message_id, 'toxicity');
    expect(fake.callsOf('sendMessage', (c) => c.body.chat_id === CHATS.watchedDelete.id)).toHaveLength(0);
  });

  it('flags with a reply when the bot may not delete', async () => {
    fake.failNext('deleteMessage', { error_code: 400, description: "Bad Request: message can't be deleted" });
    const msg = send(CHATS.watchedDelete, BOB, 'you idiot');
    const flag = await replyTo(msg);
    expect(flag.body.text).toContain('I could not delete it: make me an admin');
    const note = await fake.waitForCall(
      'sendMessage',
      (c) => c.body.chat_id === CHATS.admin.id && c.body.text.includes(`/${msg.message_id}`),
    );
    expect(note.body.text).toContain('flagged; deletion refused');
  });

  it('ignores messages from bots', async () => {
    const msg = send(CHATS.watched, OTHER_BOT, 'you idiot');
    const later = send(CHATS.watched, ALICE, 'you idiot too');
    await replyTo(later);
    expect(
      fake.callsOf('sendMessage', (c) => c.body.reply_parameters?.message_id === msg.message_id),
    ).toHaveLength(0);
  });
});
