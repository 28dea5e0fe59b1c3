import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CLASSIFY_QUEUE,
  ClassifyQueue,
  connectionFromUrl,
  newClassifyRequest,
  requestIdFor,
} from '@switchboard/core';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCueModel } from '../helpers/cue-model.js';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { within } from '../helpers/wait-for.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';
import { FAKE_BOT, FakeSlack, type RecordedCall } from './fake-slack.js';
import { postSigned } from './signed-request.js';
import { BOT_TOKEN, SIGNING_SECRET, type SlackApp, startSlackApp } from './slack-harness.js';
import { commandBody, mentionBody, shortcutBody, slackId } from './slack-payloads.js';

/** A second model, so that choosing a model by name shows in the answer. */
const OTHER_MODEL = 'forecast';
/** A model folder the worker cannot load: its jobs fail and the failure must reach the person. */
const BROKEN_MODEL = 'broken';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

let prefix: string;
let models: TestModels;
let fake: FakeSlack;
let worker: WorkerProcess;
let app: SlackApp;
let queue: ClassifyQueue;

beforeAll(async () => {
  prefix = uniquePrefix('slack');
  models = await createTestModels();
  await writeCueModel(join(models.dir, OTHER_MODEL), '2.0.0');
  await mkdir(join(models.dir, BROKEN_MODEL));
  await writeFile(join(models.dir, BROKEN_MODEL, 'config.json'), '{ not json');
  fake = await FakeSlack.start();
  [worker, app, queue] = await Promise.all([
    startWorker({ redisUrl: SHARED_REDIS_URL, prefix, modelsDir: models.dir }),
    startSlackApp({
      redisUrl: SHARED_REDIS_URL,
      prefix,
      modelsDir: models.dir,
      defaultModel: FAST_MODEL,
      apiUrl: fake.apiUrl,
    }),
    ClassifyQueue.connect({ redisUrl: SHARED_REDIS_URL, prefix }),
  ]);
});

afterAll(async () => {
  await app?.plugin.close();
  await worker?.stop();
  await queue?.close();
  await fake?.close();
  if (prefix) await deletePrefixKeys(SHARED_REDIS_URL, prefix);
  await models?.remove();
});

/** Sends `/classify text` as Slack would; its `response_url` is the fake's `response/<responseId>`. */
async function command(
  text: string,
  options: { trigger_id?: string; headers?: Record<string, string> } = {},
) {
  const responseId = slackId('r');
  const sent = commandBody({
    text,
    response_url: fake.responseUrl(responseId),
    trigger_id: options.trigger_id,
  });
  const res = await postSigned(app.url, sent.body, FORM, {
    secret: SIGNING_SECRET,
    headers: options.headers,
  });
  return { ...sent, responseId, res };
}

function answerTo(responseId: string): Promise<RecordedCall> {
  return fake.waitForCall(
    (c) => c.kind === 'response_url' && c.name === responseId && c.status === 200,
    `answer on response_url ${responseId}`,
  );
}

function commandJobId(trigger_id: string): string {
  return requestIdFor('slack', 'command', FAKE_BOT.team_id, trigger_id);
}

const blocksOf = (call: RecordedCall) => JSON.stringify(call.body.blocks);

describe('slash command', () => {
  it('acknowledges at once and posts the classification to the response_url', async () => {
    const { res, responseId, trigger_id } = await command('the weather today was sunny');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ response_type: 'ephemeral' });
    expect(res.json?.text).toContain(`Classifying with \`${FAST_MODEL}\``);

    const answer = await answerTo(responseId);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(answer.body.text).toMatch(/^positive \(\d+%\): the weather today was sunny$/);
    const blocks = blocksOf(answer);
    expect(blocks).toContain('*positive*');
    expect(blocks).toMatch(/positive +█+░* \d+%/);
    expect(blocks).toMatch(/negative +░+ 0%/);
    expect(blocks).toContain(`model \`${FAST_MODEL}\` v1.0.0`);
    expect(blocks).toMatch(/ · [\d.]+ m?s/);
    const job = await queue.getJob(commandJobId(trigger_id));
    expect(job?.request.replyTo).toMatchObject({ kind: 'command', user_id: expect.any(String) });
  });

  it('uses the model named by the first word, or by model:NAME', async () => {
    const byWord = await command(`${OTHER_MODEL} rainy morning in town`);
    expect(byWord.res.json?.text).toContain(`Classifying with \`${OTHER_MODEL}\``);
    const answer = await answerTo(byWord.responseId);
    expect(answer.body.text).toBe(
      `negative (${/\((\d+)%\)/.exec(String(answer.body.text))![1]}%): rainy morning in town`,
    );
    expect(blocksOf(answer)).toContain(`model \`${OTHER_MODEL}\` v2.0.0`);

    const explicit = await command(`model:${OTHER_MODEL} ${FAST_MODEL} says sunny`);
    const second = await answerTo(explicit.responseId);
    expect(second.body.text).toMatch(new RegExp(`^positive \\(\\d+%\\): ${FAST_MODEL} says sunny$`));
    expect(blocksOf(second)).toContain(`model \`${OTHER_MODEL}\``);
  });

  it('answers in the channel when configured to', async () => {
    const inChannel = await startSlackApp({
      redisUrl: SHARED_REDIS_URL,
      prefix,
      modelsDir: models.dir,
      defaultModel: FAST_MODEL,
      apiUrl: fake.apiUrl,
      env: { SLACK_RESPONSE_VISIBILITY: 'in_channel' },
    });
    try {
      const responseId = slackId('r');
      const sent = commandBody({ text: 'quite sunny', response_url: fake.responseUrl(responseId) });
      const res = await postSigned(inChannel.url, sent.body, FORM, { secret: SIGNING_SECRET });
      expect(res.json?.response_type).toBe('ephemeral');
      expect((await answerTo(responseId)).body.response_type).toBe('in_channel');
    } finally {
      await inChannel.plugin.close();
    }
  });

  it('explains usage and lists models for help, empty text and an unknown model, queueing nothing', async () => {
    const help = await command('help');
    expect(help.res.json?.text).toContain('*Usage:* `/classify [model] text`');
    for (const name of [FAST_MODEL, OTHER_MODEL]) expect(help.res.json?.text).toContain(`\`${name}\``);
    expect(help.res.json?.text).toContain('(negative, neutral, positive)');

    const empty = await command('   ');
    expect(empty.res.json?.text).toContain('Give me some text to classify.');

    const onlyModel = await command(OTHER_MODEL);
    expect(onlyModel.res.json?.text).toContain(
      `after the model name, e.g. \`/classify ${OTHER_MODEL} your text here\``,
    );

    const unknown = await command('model:nope the weather');
    expect(unknown.res.json?.text).toContain('There is no model called `nope`');
    expect(unknown.res.json?.text).toContain(`\`${FAST_MODEL}\``);

    for (const sent of [help, empty, onlyModel, unknown]) {
      expect(sent.res.status).toBe(200);
      expect(await queue.getJob(commandJobId(sent.trigger_id))).toBeUndefined();
    }
  });

  it('refuses a text over the 10,000-character limit with a clear message', async () => {
    const long = await command(`sunny ${'x'.repeat(10_000)}`);
    // The core's wording, as every channel says it.
    expect(long.res.json?.text).toContain('The text is longer than 10000 characters.');
    expect(await queue.getJob(commandJobId(long.trigger_id))).toBeUndefined();
  });

  it('tells the person in plain words when the classification fails', async () => {
    const { res, responseId } = await command(`${BROKEN_MODEL} the weather today`);
    expect(res.json?.text).toContain(`Classifying with \`${BROKEN_MODEL}\``);
    const answer = await answerTo(responseId);
    expect(answer.body.text).toContain(
      ':warning: Could not classify "the weather today": The model cannot be loaded',
    );
    expect(blocksOf(answer)).toContain('error `model_load`');
  });
});

describe('request verification', () => {
  it('answers 401 to a forged signature or an old timestamp and queues nothing', async () => {
    const responseId = slackId('r');
    const forged = commandBody({ text: 'sunny', response_url: fake.responseUrl(responseId) });
    const wrongSecret = await postSigned(app.url, forged.body, FORM, { secret: 'not-the-secret' });
    expect(wrongSecret.status).toBe(401);

    const stale = commandBody({ text: 'sunny', response_url: fake.responseUrl(responseId) });
    const sixMinutesAgo = Math.floor(Date.now() / 1_000) - 6 * 60;
    const old = await postSigned(app.url, stale.body, FORM, {
      secret: SIGNING_SECRET,
      timestamp: sixMinutesAgo,
    });
    expect(old.status).toBe(401);

    // A request that did get through proves the ids are right, see the first test; these have no job.
    expect(await queue.getJob(commandJobId(forged.trigger_id))).toBeUndefined();
    expect(await queue.getJob(commandJobId(stale.trigger_id))).toBeUndefined();
    // A later, valid command is answered; by then the refused ones would have been too.
    const valid = await command('sunny');
    await answerTo(valid.responseId);
    expect(fake.find((c) => c.name === responseId)).toEqual([]);
  });
});

describe('retried deliveries from Slack', () => {
  let events: QueueEvents;
  beforeAll(async () => {
    events = new QueueEvents(CLASSIFY_QUEUE, { connection: connectionFromUrl(SHARED_REDIS_URL), prefix });
    await events.waitUntilReady();
  });
  afterAll(() => events?.close());

  /** Resolves when BullMQ refuses a second job with this id. */
  function duplicateOf(jobId: string): Promise<void> {
    return new Promise((resolve) => {
      const onDuplicate = (event: { jobId: string }) => {
        if (event.jobId !== jobId) return;
        events.off('duplicated', onDuplicate);
        resolve();
      };
      events.on('duplicated', onDuplicate);
    });
  }

  it('classifies a retried event once (X-Slack-Retry-Num, same event_id)', async () => {
    const mention = mentionBody({ text: 'the forecast says rainy' });
    const jobId = requestIdFor('slack', 'mention', mention.event_id);
    const first = await postSigned(app.url, mention.body, JSON_TYPE, { secret: SIGNING_SECRET });
    expect(first.status).toBe(200);
    const inThread = (c: RecordedCall) => c.name === 'chat.postMessage' && c.body.thread_ts === mention.ts;
    await fake.waitForCall(inThread, 'the answer to the mention');

    const duplicate = duplicateOf(jobId);
    const retry = await postSigned(app.url, mention.body, JSON_TYPE, {
      secret: SIGNING_SECRET,
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(retry.status).toBe(200);
    await within(duplicate, 10_000, 'the retried event reaching the queue as a duplicate');
    expect(fake.find(inThread)).toHaveLength(1);
    const job = await queue.getJob(jobId);
    expect(job?.state).toBe('completed');
  });

  it('classifies a resent command once (same trigger_id)', async () => {
    const first = await command('sunny in town');
    await answerTo(first.responseId);
    const duplicate = duplicateOf(commandJobId(first.trigger_id));
    const again = await command('sunny in town', {
      trigger_id: first.trigger_id,
      headers: { 'x-slack-retry-num': '1' },
    });
    expect(again.res.json?.text).toContain('Classifying');
    await within(duplicate, 10_000, 'the resent command reaching the queue as a duplicate');
    expect(fake.find((c) => c.name === again.responseId)).toEqual([]);
  });
});

describe('mentions', () => {
  it('answers a mention in its thread, for everyone', async () => {
    const mention = mentionBody({ text: `${OTHER_MODEL} the morning was rainy` });
    const res = await postSigned(app.url, mention.body, JSON_TYPE, { secret: SIGNING_SECRET });
    expect(res.status).toBe(200);
    const answer = await fake.waitForCall(
      (c) => c.name === 'chat.postMessage' && c.body.thread_ts === mention.ts,
      'the answer in the thread',
    );
    expect(answer.body.channel).toBe(mention.channel);
    expect(answer.body.text).toMatch(/^negative \(\d+%\): the morning was rainy$/);
    expect(blocksOf(answer)).toContain(`model \`${OTHER_MODEL}\` v2.0.0`);
    expect(answer.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
  });

  it('answers inside an existing thread, and shows help privately', async () => {
    const parent = '1700000001.000100';
    const mention = mentionBody({ text: 'sunny afternoon', thread_ts: parent });
    await postSigned(app.url, mention.body, JSON_TYPE, { secret: SIGNING_SECRET });
    const answer = await fake.waitForCall(
      (c) => c.name === 'chat.postMessage' && c.body.thread_ts === parent,
      'the answer in the existing thread',
    );
    expect(answer.body.text).toMatch(/^positive/);

    const help = mentionBody({ text: 'help' });
    await postSigned(app.url, help.body, JSON_TYPE, { secret: SIGNING_SECRET });
    const shown = await fake.waitForCall(
      (c) => c.name === 'chat.postEphemeral' && c.body.thread_ts === help.ts,
      'the help, to the person only',
    );
    expect(shown.body.user).toBe(help.user);
    expect(shown.body.text).toContain('*Models:*');
  });
});

describe('message shortcut', () => {
  it('classifies the chosen message and answers privately in its thread', async () => {
    const responseId = slackId('r');
    const shortcut = shortcutBody({
      text: `${OTHER_MODEL} was sunny`,
      response_url: fake.responseUrl(responseId),
    });
    const res = await postSigned(app.url, shortcut.body, FORM, { secret: SIGNING_SECRET });
    expect(res.status).toBe(200);
    const answer = await fake.waitForCall(
      (c) => c.name === 'chat.postEphemeral' && c.body.thread_ts === shortcut.message_ts,
      'the private answer in the thread',
    );
    expect(answer.body).toMatchObject({ channel: shortcut.channel, user: shortcut.user });
    // The whole message is the text: its first word is not taken for a model name.
    expect(answer.body.text).toMatch(new RegExp(`^positive \\(\\d+%\\): ${OTHER_MODEL} was sunny$`));
    expect(blocksOf(answer)).toContain(`model \`${FAST_MODEL}\``);
  });

  it('answers in the parent thread for a message inside a thread, and explains a message without text', async () => {
    const parent = '1700000002.000100';
    const inThread = shortcutBody({
      text: 'rainy',
      thread_ts: parent,
      response_url: fake.responseUrl(slackId('r')),
    });
    await postSigned(app.url, inThread.body, FORM, { secret: SIGNING_SECRET });
    await fake.waitForCall(
      (c) => c.name === 'chat.postEphemeral' && c.body.thread_ts === parent,
      'the answer in the parent thread',
    );

    const responseId = slackId('r');
    const empty = shortcutBody({ text: '', response_url: fake.responseUrl(responseId) });
    await postSigned(app.url, empty.body, FORM, { secret: SIGNING_SECRET });
    const told = await answerTo(responseId);
    expect(told.body.text).toContain('That message has no text to classify.');
  });
});

describe('durable replies', () => {
  it('waits out a 429 from the response_url for its Retry-After, then delivers', async () => {
    const responseId = slackId('r');
    fake.script(`response/${responseId}`, {
      status: 429,
      headers: { 'retry-after': '1' },
      body: 'rate_limited',
    });
    const sent = commandBody({ text: 'sunny', response_url: fake.responseUrl(responseId) });
    await postSigned(app.url, sent.body, FORM, { secret: SIGNING_SECRET });
    const delivered = await answerTo(responseId);
    const limited = fake.find((c) => c.name === responseId && c.status === 429);
    expect(limited).toHaveLength(1);
    expect(delivered.at - limited[0]!.at).toBeGreaterThanOrEqual(950);
    expect(delivered.body.text).toMatch(/^positive/);
  });

  it('waits out a 429 from the Web API, then answers the mention', async () => {
    fake.script('chat.postMessage', {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { ok: false, error: 'ratelimited' },
    });
    const mention = mentionBody({ text: 'rainy' });
    await postSigned(app.url, mention.body, JSON_TYPE, { secret: SIGNING_SECRET });
    const inThread = (c: RecordedCall) => c.name === 'chat.postMessage' && c.body.thread_ts === mention.ts;
    const delivered = await fake.waitForCall(
      (c) => inThread(c) && c.status === 200,
      'the answer after the 429',
    );
    const limited = fake.find((c) => inThread(c) && c.status === 429);
    expect(limited).toHaveLength(1);
    expect(delivered.at - limited[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('falls back to chat.postEphemeral when the response_url has expired', async () => {
    const responseId = slackId('r');
    fake.script(`response/${responseId}`, { status: 404, body: 'expired_url' });
    const sent = commandBody({ text: 'rainy', response_url: fake.responseUrl(responseId) });
    await postSigned(app.url, sent.body, FORM, { secret: SIGNING_SECRET });
    const fallback = await fake.waitForCall(
      (c) => c.name === 'chat.postEphemeral' && c.body.user === sent.user_id,
      'the fallback answer',
    );
    expect(fallback.body).toMatchObject({ channel: 'C0GENERAL' });
    expect(fallback.body.text).toMatch(/^negative/);
  });

  it('does not use a response_url older than 30 minutes: posts in the channel instead', async () => {
    // A job that waited 31 minutes in a backed-up queue: the worker's delivery must not use the URL.
    const responseId = slackId('r');
    const channel = slackId('C');
    await queue.enqueue(
      newClassifyRequest({
        id: `slack-old-${responseId}`,
        model: FAST_MODEL,
        texts: ['sunny'],
        channel: 'slack',
        requester: { id: 'U0OLD' },
        replyMode: 'deliver',
        replyTo: {
          kind: 'command',
          channel_id: channel,
          user_id: 'U0OLD',
          response_url: fake.responseUrl(responseId),
          visibility: 'in_channel',
        },
        createdAt: Date.now() - 31 * 60_000,
      }),
    );
    const posted = await fake.waitForCall(
      (c) => c.name === 'chat.postMessage' && c.body.channel === channel,
      'the answer in the channel',
    );
    expect(posted.body.text).toMatch(/^positive/);
    expect(fake.find((c) => c.name === responseId)).toEqual([]);
  });
});

describe('start-up', () => {
  it('refuses to start with a bot token Slack rejects, saying which variable to fix', async () => {
    fake.script('auth.test', { body: { ok: false, error: 'invalid_auth' } });
    await expect(
      startSlackApp({
        redisUrl: SHARED_REDIS_URL,
        prefix,
        modelsDir: models.dir,
        defaultModel: FAST_MODEL,
        apiUrl: fake.apiUrl,
      }),
    ).rejects.toThrow('Slack refused the bot token (invalid_auth): check SLACK_BOT_TOKEN');
  });
});

describe('logging', () => {
  it('never writes the bot token or the signing secret', () => {
    const all = app.logs.join('');
    expect(all).toContain('"msg":"queued"');
    expect(all).not.toContain(BOT_TOKEN);
    expect(all).not.toContain(SIGNING_SECRET);
  });
});
