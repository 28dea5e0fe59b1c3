import { requestIdFor } from '@switchboard/core';
import type { DiscordPlugin } from '@switchboard/plugin-discord';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { ALICE, BOT, DiscordHarness, IDS } from './discord-harness.js';
import type { RestCall } from './fake-discord-rest.js';

let redis: RedisServer;
let h: DiscordHarness;
let plugin: DiscordPlugin;

beforeAll(async () => {
  // Its own Redis: this test stops it, which the shared one must never be.
  redis = await RedisServer.start();
  h = await DiscordHarness.start(redis.url);
  plugin = await h.startPlugin();
  await redis.stop();
});

afterAll(async () => {
  await plugin?.close();
  await h?.close().catch(() => {});
  await redis?.close();
});

/** The private "temporarily unavailable" answer to an interaction, whichever path it took. */
function unavailableAnswer(id: string, token: string) {
  return (c: RestCall) =>
    // Before deferring (the queue is known to be down) it is the interaction's own reply...
    (c.method === 'POST' &&
      c.path === `/interactions/${id}/${token}/callback` &&
      c.body.type === 4 &&
      c.body.data.flags === 64 &&
      c.body.data.content.includes('temporarily unavailable')) ||
    // ...after deferring (Redis went down in between) an ephemeral follow-up.
    (c.method === 'POST' &&
      c.path === `/webhooks/${IDS.app}/${token}` &&
      c.body.flags === 64 &&
      c.body.content.includes('temporarily unavailable'));
}

it('answers /classify with a private "temporarily unavailable" while Redis is down', async () => {
  const i = h.slash({ text: 'I love resilience' });
  const answer = await h.fake.rest.waitForCall(unavailableAnswer(i.id, i.token), { timeoutMs: 5_000 });
  expect(answer.body.data?.content ?? answer.body.content).toBe(
    '⚠️ Switchboard is temporarily unavailable: its job queue cannot be reached. Please try again in a minute.',
  );
  // Nothing public was left behind.
  const edits = h.fake.rest.callsMatching((c) => c.method === 'PATCH' && c.path.includes(i.token));
  expect(edits).toHaveLength(0);
});

it('answers a mention with "temporarily unavailable" while Redis is down', async () => {
  const m = h.message({
    channelId: IDS.general,
    author: ALICE,
    content: `<@${BOT.id}> I love it`,
    mentions: [BOT],
  });
  const reply = await h.fake.rest.waitForCall(
    (c) => c.method === 'POST' && c.body?.message_reference?.message_id === m.id,
    { timeoutMs: 5_000 },
  );
  expect(reply.body.content).toContain('temporarily unavailable');
});

it('queues requests again by itself once Redis is back', async () => {
  await redis.resume();
  // The producer reconnects in the background (within ~2 s); each try is a fresh /classify.
  const deferred = await waitFor(
    async () => {
      const i = h.slash({ text: 'I love comebacks' });
      const answer = await h.fake.rest.waitForCall(
        (c) => c.method === 'POST' && c.path === `/interactions/${i.id}/${i.token}/callback`,
      );
      return answer.body.type === 5 ? i : false;
    },
    { intervalMs: 200, what: 'a /classify deferred and queued after Redis came back' },
  );
  await waitFor(
    async () => (await h.classifyJobState(requestIdFor('discord', 'interaction', deferred.id))) === 'waiting',
    {
      what: 'the job waiting in the classify queue',
    },
  );
});
