import { connectionFromUrl, deliveryQueueName, requestIdFor } from '@switchboard/core';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDiscordTestModels, type DiscordTestModels } from '../discord/discord-test-models.js';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { ServiceProcess } from '../helpers/service-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';
import { FakeBotApi } from './fake-bot-api.js';
import { ALICE, CHATS, message, TOKEN } from './telegram-harness.js';

// The service as the stack runs it (plugins/telegram/dist/telegram-main.js, configured by its
// environment): answers that finish while it is down wait in deliver-telegram and go out after.

const redisUrl = SHARED_REDIS_URL;
const prefix = uniquePrefix('tgrestart');
let fake: FakeBotApi;
let models: DiscordTestModels;
let worker: WorkerProcess | undefined;
const running: ServiceProcess[] = [];

beforeAll(async () => {
  fake = await FakeBotApi.start(TOKEN);
  models = await createDiscordTestModels();
}, 60_000);

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await worker?.stop();
  await fake?.close();
  await deletePrefixKeys(redisUrl, prefix);
  await models?.remove();
});

const env = () => ({
  TELEGRAM_BOT_TOKEN: TOKEN,
  TELEGRAM_API_ROOT: fake.url,
  TELEGRAM_PORT: '0',
  TELEGRAM_HOST: '127.0.0.1',
  REDIS_URL: redisUrl,
  SWITCHBOARD_QUEUE_PREFIX: prefix,
  SWITCHBOARD_MODELS: models.dir,
  // Debug logging, so that the token check below covers every line the plugin can write.
  LOG_LEVEL: 'debug',
});

it('delivers the answers that finished while the service was down once it is back', async () => {
  // No worker yet: the requests wait in the classify queue while the first service runs.
  const first = await ServiceProcess.start('telegram', env());
  running.push(first);
  expect(first.ready.detail).toBe('bot @SwitchboardTestBot by long polling, 0 watched chat(s)');

  const asked = ['I love restarts', 'I hate downtime', 'the queue keeps it'].map((text) => {
    const msg = message(CHATS.group, ALICE, `/classify ${text}`);
    fake.push({ message: msg });
    return msg;
  });
  const deliveries = new Queue(deliveryQueueName('telegram'), {
    connection: connectionFromUrl(redisUrl),
    prefix,
  });
  try {
    await waitFor(() => (first.output.match(/"msg":"queued"/g) ?? []).length === asked.length, {
      what: 'three requests queued',
    });
    expect(await first.stop()).toEqual({ code: 0, signal: null });
    // The bot token is never written, not even inside request URLs.
    expect(first.output).not.toContain(TOKEN);
    expect(first.output).not.toContain(TOKEN.split(':')[1]);

    worker = await startWorker({ redisUrl, prefix, modelsDir: models.dir });
    await waitFor(async () => (await deliveries.getJobCounts('waiting')).waiting === asked.length, {
      what: `${asked.length} deliveries waiting for the stopped service`,
    });
    expect(fake.callsOf('sendMessage')).toHaveLength(0);

    const second = await ServiceProcess.start('telegram', env());
    running.push(second);
    const expected = ['positive', 'negative', 'neutral'];
    for (const [n, msg] of asked.entries()) {
      const reply = await fake.waitForCall(
        'sendMessage',
        (c) => c.body.reply_parameters?.message_id === msg.message_id,
      );
      expect(reply.body.chat_id).toBe(CHATS.group.id);
      expect(reply.body.text).toMatch(new RegExp(`^<b>${expected[n]}</b>`));
      const id = requestIdFor('telegram', 'command', msg.chat.id, msg.message_id);
      await waitFor(async () => (await deliveries.getJobState(id)) === 'completed', {
        what: 'delivery completed',
      });
    }
    // Each answer once: the second service did not receive the updates again.
    expect(fake.callsOf('sendMessage')).toHaveLength(asked.length);
    expect(await second.stop()).toEqual({ code: 0, signal: null });
  } finally {
    await deliveries.close();
  }
});
