import { connectionFromUrl, deliveryQueueName } from '@switchboard/core';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { within } from '../helpers/wait-for.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';
import { FakeSlack } from './fake-slack.js';
import { postSigned } from './signed-request.js';
import { SIGNING_SECRET, type SlackApp, startSlackApp } from './slack-harness.js';
import { commandBody, slackId } from './slack-payloads.js';

let prefix: string;
let models: TestModels;
let fake: FakeSlack;
let worker: WorkerProcess | undefined;
let app: SlackApp | undefined;

const appOptions = () => ({
  redisUrl: SHARED_REDIS_URL,
  prefix,
  modelsDir: models.dir,
  defaultModel: FAST_MODEL,
  apiUrl: fake.apiUrl,
});

beforeAll(async () => {
  prefix = uniquePrefix('slack-restart');
  models = await createTestModels();
  fake = await FakeSlack.start();
  app = await startSlackApp(appOptions());
});

afterAll(async () => {
  await app?.plugin.close();
  await worker?.stop();
  await fake?.close();
  if (prefix) await deletePrefixKeys(SHARED_REDIS_URL, prefix);
  await models?.remove();
});

it('delivers every result that finished while the plugin was stopped once it is back', async () => {
  // Requests are taken while no worker runs, then the plugin stops and the jobs finish without it.
  const sent: { responseId: string; text: string }[] = [];
  for (const text of ['sunny', 'rainy', 'the weather today', 'sunny in town', 'rainy afternoon']) {
    const responseId = slackId('r');
    const body = commandBody({ text, response_url: fake.responseUrl(responseId) }).body;
    const res = await postSigned(app!.url, body, 'application/x-www-form-urlencoded', {
      secret: SIGNING_SECRET,
    });
    expect(res.json?.text).toContain('Classifying');
    sent.push({ responseId, text });
  }
  await app!.plugin.close();
  app = undefined;

  const events = new QueueEvents(deliveryQueueName('slack'), {
    connection: connectionFromUrl(SHARED_REDIS_URL),
    prefix,
  });
  await events.waitUntilReady();
  let queued = 0;
  const allQueued = new Promise<void>((resolve) => {
    events.on('waiting', () => {
      queued += 1;
      if (queued === sent.length) resolve();
    });
  });
  try {
    worker = await startWorker({ redisUrl: SHARED_REDIS_URL, prefix, modelsDir: models.dir });
    await within(allQueued, 20_000, 'every finished job on the deliver-slack queue');
  } finally {
    await events.close();
  }
  expect(fake.find((c) => c.kind === 'response_url')).toEqual([]);

  app = await startSlackApp(appOptions());
  const answers = await Promise.all(
    sent.map(({ responseId }) =>
      fake.waitForCall((c) => c.name === responseId && c.status === 200, `answer ${responseId}`),
    ),
  );
  answers.forEach((answer, i) => {
    expect(answer.body.text).toMatch(
      new RegExp(`^(positive|negative|neutral) \\(\\d+%\\): ${sent[i]!.text}$`),
    );
  });
  expect(fake.find((c) => c.kind === 'response_url')).toHaveLength(sent.length);
});
