import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { requestIdFor } from '@switchboard/core';
import type { DiscordPlugin } from '@switchboard/plugin-discord';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { ALICE, BOT, DiscordHarness, IDS } from './discord-harness.js';
import type { FakeUser } from './discord-payloads.js';
import { call, type RestCall } from './fake-discord-rest.js';

// The drift the channel runtime removed: Discord now stays up while Redis is down, limits each
// person's requests, serves /metrics and offers the live model list.

const DEADLINE_MS = 3_000;
const BOB: FakeUser = { id: '900000000000000101', username: 'bob' };

let redis: RedisServer | undefined;
let h: DiscordHarness | undefined;
let plugin: DiscordPlugin | undefined;

afterEach(async () => {
  await redis?.resume();
  await plugin?.close();
  await h?.close();
  await redis?.close();
  [redis, h, plugin] = [undefined, undefined, undefined];
});

afterAll(async () => {
  await redis?.close();
});

/** The interaction's own reply (type 4, before any deferral). */
function ownReply(i: { id: string; token: string }) {
  return (c: RestCall) => c.method === 'POST' && c.path === `/interactions/${i.id}/${i.token}/callback`;
}

describe('Discord started while Redis is down', () => {
  it('stays up, says "temporarily unavailable" within 3 s, and answers once Redis is back without a restart', async () => {
    redis = await RedisServer.start();
    h = await DiscordHarness.start(redis.url);
    await redis.stop();
    plugin = await h.startPlugin({ DISCORD_HEALTH_PORT: '0', DISCORD_HEALTH_HOST: '127.0.0.1' });
    const health = plugin.runtime.healthUrl!;
    expect((await fetch(`${health}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${health}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toContain('Redis');

    const sent = Date.now();
    const i = h.slash({ text: 'I love resilience' });
    const answer = await h.fake.rest.waitForCall(ownReply(i), { timeoutMs: DEADLINE_MS });
    expect(Date.now() - sent).toBeLessThan(DEADLINE_MS);
    expect(answer.body.type).toBe(4);
    expect(answer.body.data.flags).toBe(64);
    expect(answer.body.data.content).toContain('temporarily unavailable');

    await redis.resume();
    await h.startWorker();
    // Each try is a fresh /classify; the producer reconnects in the background.
    const queued = await waitFor(
      async () => {
        const again = h!.slash({ text: 'I love comebacks' });
        const reply = await h!.fake.rest.waitForCall(ownReply(again));
        return reply.body.type === 5 ? again : false;
      },
      { intervalMs: 300, what: 'a /classify deferred and queued once Redis is back' },
    );
    const edit = await h.fake.rest.waitForCall(
      call('PATCH', `/webhooks/${IDS.app}/${queued.token}/messages/@original`),
    );
    expect(edit.body.embeds[0].title).toBe('positive (100%)');
    expect((await fetch(`${health}/readyz`)).status).toBe(200);
  });
});

describe('per-person rate limit', () => {
  it('refuses a person over the limit, saying when to try again, and lets others through', async () => {
    h = await DiscordHarness.start();
    plugin = await h.startPlugin({ DISCORD_USER_RATE_LIMIT: '2' });
    for (const text of ['one', 'two']) {
      const i = h.slash({ text: `I love ${text}` });
      expect((await h.fake.rest.waitForCall(ownReply(i))).body.type).toBe(5);
    }
    const third = h.slash({ text: 'I love three' });
    const refused = await h.fake.rest.waitForCall(ownReply(third));
    expect(refused.body.type).toBe(4);
    expect(refused.body.data.flags).toBe(64);
    expect(refused.body.data.content).toMatch(
      /^⚠️ Easy there: you can classify 2 texts a minute\. Try again in \d+ s\.$/,
    );
    expect(await h.classifyJobState(requestIdFor('discord', 'interaction', third.id))).toBeUndefined();

    const other = h.slash({ text: 'I love fairness' }, { user: BOB });
    expect((await h.fake.rest.waitForCall(ownReply(other))).body.type).toBe(5);
    // A mention by the same person is held back too: the limit is the person's, not the command's.
    const m = h.message({
      channelId: IDS.general,
      author: ALICE,
      content: `<@${BOT.id}> I love it`,
      mentions: [BOT],
    });
    const reply = await h.fake.rest.waitForCall(
      (c) => c.method === 'POST' && c.body?.message_reference?.message_id === m.id,
    );
    expect(reply.body.content).toMatch(/Try again in \d+ s\./);
  });
});

describe('/classify model: autocomplete', () => {
  it('offers the live model list, including a model added after the bot started', async () => {
    h = await DiscordHarness.start();
    plugin = await h.startPlugin();
    const suggest = async (typed: string) => {
      const i = h!.autocompleteModel(typed);
      const reply = await h!.fake.rest.waitForCall(ownReply(i));
      expect(reply.body.type).toBe(8);
      return reply.body.data.choices as { name: string; value: string }[];
    };
    expect(await suggest('')).toEqual([
      { name: 'sentiment', value: 'sentiment' },
      { name: 'spam', value: 'spam' },
      { name: 'toxicity', value: 'toxicity' },
    ]);
    expect(await suggest('SP')).toEqual([{ name: 'spam', value: 'spam' }]);

    // A new model folder appears in the repository: offered at once, nothing registered again.
    const added = join(h.models.dir, 'spam-strict');
    await cp(join(h.models.dir, 'spam'), added, { recursive: true });
    expect((await suggest('spam')).map((c) => c.name)).toEqual(['spam', 'spam-strict']);
  });
});
