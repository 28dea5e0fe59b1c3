import { requestIdFor } from '@switchboard/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
import { DiscordHarness, IDS } from './discord-harness.js';
import { call } from './fake-discord-rest.js';
import { PluginProcess } from './plugin-process.js';

let h: DiscordHarness;
const running: PluginProcess[] = [];

beforeAll(async () => {
  h = await DiscordHarness.start();
});

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await h?.close();
});

it('delivers every reply that finished while the plugin was down once it is back', async () => {
  // No worker yet: the requests wait in the classify queue while the first plugin runs.
  // Debug logging, so that the check below covers every line the plugin can write.
  const first = await PluginProcess.start(h.env({ LOG_LEVEL: 'debug' }));
  running.push(first.plugin);
  expect(first.ready.detail).toBe('bot Switchboard in 1 guild(s), 1 watched');
  const identify = await h.fake.gateway.waitForIdentify(1);
  // Guilds, GuildMessages, MessageContent.
  expect(identify.intents).toBe(1 | 512 | 32_768);
  expect(identify.token).toBe('test-bot-token');

  const asked = ['I love restarts', 'I hate downtime', 'the queue keeps it'].map((text) => h.slash({ text }));
  for (const i of asked)
    await h.fake.rest.waitForCall(call('POST', `/interactions/${i.id}/${i.token}/callback`));

  expect(await first.plugin.stop()).toEqual({ code: 0, signal: null });
  expect(first.plugin.log).toContain('"msg":"queued"');
  // Neither the bot token nor interaction tokens are ever written to the log.
  expect(first.plugin.log).not.toContain('test-bot-token');
  for (const i of asked) expect(first.plugin.log).not.toContain(i.token);

  await h.startWorker();
  await waitFor(async () => (await h.deliveryCounts()).waiting === asked.length, {
    what: `${asked.length} deliveries waiting for the stopped plugin`,
  });
  expect(h.fake.rest.callsMatching((c) => c.method === 'PATCH')).toHaveLength(0);

  const second = await PluginProcess.start(h.env({ LOG_LEVEL: 'debug' }));
  running.push(second.plugin);
  const expected = ['positive (100%)', 'negative (100%)', 'neutral'];
  for (const [n, i] of asked.entries()) {
    const edit = await h.fake.rest.waitForCall(
      call('PATCH', `/webhooks/${IDS.app}/${i.token}/messages/@original`),
    );
    expect(edit.body.embeds[0].title).toContain(expected[n]);
    await waitFor(
      async () => (await h.deliveryState(requestIdFor('discord', 'interaction', i.id))) === 'completed',
      {
        what: 'delivery completed',
      },
    );
  }
  expect(h.fake.rest.callsMatching((c) => c.method === 'PATCH')).toHaveLength(asked.length);
  expect(await second.plugin.stop()).toEqual({ code: 0, signal: null });
  expect(second.plugin.log).not.toContain('test-bot-token');
  for (const i of asked) expect(second.plugin.log).not.toContain(i.token);
});

it('refuses to start with a bad setting and names the variable', async () => {
  const result = await PluginProcess.run(h.env({ DISCORD_APPLICATION_ID: 'my-app' }));
  expect(result.code).toBe(2);
  expect(result.output).toContain('DISCORD_APPLICATION_ID: must be the numeric application id');
  const missing = await PluginProcess.run({ ...h.env(), DISCORD_TOKEN: '' });
  expect(missing.code).toBe(2);
  expect(missing.output).toContain('DISCORD_TOKEN is not set');
});

it('refuses a watch configuration naming a model the repository lacks', async () => {
  const watch = JSON.stringify({
    [IDS.guild]: { channels: [IDS.watched], modLog: IDS.modLog, models: { nsfw: 0.5 } },
  });
  const result = await PluginProcess.run(h.env({ DISCORD_WATCH: watch }));
  expect(result.code).toBe(1);
  expect(result.output).toContain(
    `DISCORD_WATCH: guild ${IDS.guild} moderates with model "nsfw", which the model repository ${h.models.dir} does not hold (available: sentiment, spam, toxicity)`,
  );
});
