import { connectionFromUrl, deliveryQueueName } from '@switchboard/core';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { ServiceProcess } from '../helpers/service-process.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';
import { FakeSlack } from '../slack/fake-slack.js';
import { postSigned } from '../slack/signed-request.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../slack/slack-harness.js';
import { commandBody, slackId } from '../slack/slack-payloads.js';

// A graceful stop with deliveries pending is test/src/slack/slack-restart.test.ts (in process) and
// test/src/discord/discord-restart.test.ts (SIGTERM). Here the Slack plugin's process is SIGKILLed
// while it is in the middle of posting answers, with more waiting behind them.

const redisUrl = SHARED_REDIS_URL;
const prefix = uniquePrefix('fault-plugin');
const COMMANDS = 40;
/** Deliveries one plugin posts at once (DeliveryConsumer's default concurrency). */
const IN_FLIGHT = 4;

let models: TestModels;
let fake: FakeSlack;
let worker: WorkerProcess | undefined;
let deliveries: Queue;
const plugins: ServiceProcess[] = [];

function slackEnv(): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_PORT: '0',
    SLACK_HOST: '127.0.0.1',
    SLACK_API_URL: fake.apiUrl,
    SLACK_USER_RATE_LIMIT: '1000',
    REDIS_URL: redisUrl,
    SWITCHBOARD_QUEUE_PREFIX: prefix,
    SWITCHBOARD_MODELS: models.dir,
    SWITCHBOARD_DEFAULT_MODEL: FAST_MODEL,
    LOG_LEVEL: 'info',
  };
}

beforeAll(async () => {
  models = await createTestModels();
  fake = await FakeSlack.start();
  deliveries = new Queue(deliveryQueueName('slack'), { connection: connectionFromUrl(redisUrl), prefix });
});

afterAll(async () => {
  fake?.release();
  await Promise.all(plugins.map((p) => p.stop()));
  await worker?.stop();
  await deliveries?.close();
  await fake?.close();
  await deletePrefixKeys(redisUrl, prefix);
  await models?.remove();
});

it('delivers every answer after a SIGKILL of the plugin process in the middle of posting them', {
  timeout: 240_000,
}, async () => {
  const first = await ServiceProcess.start('slack', slackEnv());
  plugins.push(first);
  const sent: { responseId: string; text: string }[] = [];
  for (let i = 0; i < COMMANDS; i++) {
    const responseId = slackId('r');
    const text = `the weather ${['sunny', 'rainy', 'today'][i % 3]} ${i}`;
    const body = commandBody({ text, response_url: fake.responseUrl(responseId) }).body;
    const ack = await postSigned(String(first.ready.url), body, 'application/x-www-form-urlencoded', {
      secret: SIGNING_SECRET,
    });
    expect(ack.json?.text).toContain('Classifying');
    sent.push({ responseId, text });
  }

  // Slack takes the first posts and does not answer yet: they are in flight when the plugin dies.
  fake.hold((route) => route.startsWith('response/'));
  worker = await startWorker({ redisUrl, prefix, modelsDir: models.dir });
  await waitFor(
    async () => {
      const c = await deliveries.getJobCounts('waiting', 'active');
      const held = fake.find((call) => call.kind === 'response_url' && call.status === 0).length;
      return c.active === IN_FLIGHT && c.waiting === COMMANDS - IN_FLIGHT && held === IN_FLIGHT;
    },
    { what: `${IN_FLIGHT} answers in flight and the rest waiting` },
  );
  expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');
  const killedAt = Date.now();
  fake.release();
  const inFlight = new Set(fake.find((c) => c.status === 0).map((c) => c.name));

  const second = await ServiceProcess.start('slack', slackEnv());
  plugins.push(second);
  // Those that were waiting go out at once; the ones in flight come back when their lock expires.
  const answered = () =>
    new Set(fake.find((c) => c.kind === 'response_url' && c.status === 200).map((c) => c.name));
  await waitFor(() => sent.every((s) => answered().has(s.responseId)), {
    // BullMQ's stalled check (every 30 s, and skipped while the dead plugin's last one is recent)
    // must see a job twice, the second time with its 30 s lock expired: up to ~95 s.
    timeoutMs: 150_000,
    intervalMs: 200,
    what: 'every answer posted after the restart',
  });
  for (const { responseId, text } of sent) {
    const posts = fake.find((c) => c.name === responseId && c.status === 200);
    expect(posts[0]!.body.text).toMatch(new RegExp(`^(positive|negative|neutral) \\(\\d+%\\): ${text}$`));
  }
  await waitFor(async () => (await deliveries.getJobCounts('completed')).completed === COMMANDS, {
    what: 'every delivery completed',
  });
  expect(await deliveries.getJobCounts('failed', 'waiting', 'active')).toMatchObject({
    failed: 0,
    waiting: 0,
    active: 0,
  });
  // The answers that were in flight reached Slack twice: at-least-once delivery, as documented.
  const twice = sent.filter((s) => fake.find((c) => c.name === s.responseId).length > 1).length;
  expect(twice).toBe(inFlight.size);
  const lastPost = Math.max(...fake.find((c) => c.status === 200).map((c) => c.at));
  console.log(
    `plugin SIGKILL: ${COMMANDS} answers, ${inFlight.size} in flight at the kill (posted again after their ` +
      `lock expired), all delivered ${((lastPost - killedAt) / 1_000).toFixed(1)} s after the kill`,
  );
});
