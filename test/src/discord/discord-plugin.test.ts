import { requestIdFor } from '@switchboard/core';
import type { DiscordPlugin } from '@switchboard/plugin-discord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
import { ALICE, BOT, DiscordHarness, IDS } from './discord-harness.js';
import { call } from './fake-discord-rest.js';

let h: DiscordHarness;
let plugin: DiscordPlugin;

beforeAll(async () => {
  h = await DiscordHarness.start();
  await h.startWorker();
  plugin = await h.startPlugin();
});

afterAll(async () => {
  await plugin?.close();
  await h?.close();
});

describe('/classify', () => {
  it('defers at once, then edits the deferred reply with the result embed', async () => {
    const i = h.slash({ text: 'I love this bot' });

    const defer = await h.fake.rest.waitForCall(call('POST', `/interactions/${i.id}/${i.token}/callback`));
    expect(defer.body).toEqual({ type: 5, data: { flags: 0 } });

    const edit = await h.fake.rest.waitForCall(
      call('PATCH', `/webhooks/${IDS.app}/${i.token}/messages/@original`),
    );
    // Interaction webhooks are authorised by their token; the bot token must not travel with them.
    expect(edit.authorization).toBeUndefined();
    const embed = edit.body.embeds[0];
    expect(embed.title).toBe('positive (100%)');
    expect(embed.description).toContain('positive  ██████████ 100%');
    expect(embed.description).toMatch(/neutral {3}░{10} 0%/);
    expect(embed.fields).toEqual([{ name: 'Text', value: 'I love this bot' }]);
    expect(embed.footer.text).toMatch(/^sentiment v1\.2\.3 · [\d.]+ m?s \(inference [\d.]+ m?s\)$/);
    expect(edit.body.content).toBe('');
  });

  it('answers privately with an ephemeral deferred reply when private:true', async () => {
    const i = h.slash({ text: 'I hate mondays', model: 'sentiment', private: true });
    const defer = await h.fake.rest.waitForCall(call('POST', `/interactions/${i.id}/${i.token}/callback`));
    expect(defer.body).toEqual({ type: 5, data: { flags: 64 } });
    const edit = await h.fake.rest.waitForCall(
      call('PATCH', `/webhooks/${IDS.app}/${i.token}/messages/@original`),
    );
    expect(edit.body.embeds[0].title).toBe('negative (100%)');
  });

  it('uses the model chosen with model:', async () => {
    const i = h.slash({ text: 'claim your prize', model: 'spam' });
    const edit = await h.fake.rest.waitForCall(
      call('PATCH', `/webhooks/${IDS.app}/${i.token}/messages/@original`),
    );
    expect(edit.body.embeds[0].title).toBe('spam (100%)');
    expect(edit.body.embeds[0].footer.text).toMatch(/^spam v3\.0\.0 · /);
  });

  it('tells a worker-side error privately: the public placeholder is deleted, an ephemeral follow-up says why', async () => {
    const i = h.slash({ text: 'some text', model: 'no-such-model' });
    const original = `/webhooks/${IDS.app}/${i.token}/messages/@original`;
    const followUp = await h.fake.rest.waitForCall(call('POST', `/webhooks/${IDS.app}/${i.token}`));
    expect(followUp.body.flags).toBe(64);
    expect(followUp.body.content).toContain('Unknown model "no-such-model"');
    expect(followUp.body.content).toContain('sentiment, spam, toxicity');
    const calls = h.fake.rest.calls;
    const deleted = calls.findIndex((c) => c.method === 'DELETE' && c.path === original);
    expect(deleted).toBeGreaterThanOrEqual(0);
    expect(deleted).toBeLessThan(calls.indexOf(followUp));
    expect(h.fake.rest.callsMatching(call('PATCH', original))).toHaveLength(0);
  });

  it('refuses an empty text at once, privately, without queuing anything', async () => {
    const i = h.slash({ text: '   ' });
    const reply = await h.fake.rest.waitForCall(call('POST', `/interactions/${i.id}/${i.token}/callback`));
    expect(reply.body.type).toBe(4);
    expect(reply.body.data.flags).toBe(64);
    expect(reply.body.data.content).toBe('⚠️ The text is empty.');
    expect(await h.classifyJobState(requestIdFor('discord', 'interaction', i.id))).toBeUndefined();
  });
});

describe('durable replies', () => {
  it('posts in the channel, mentioning the asker, when the interaction token has expired', async () => {
    const i = h.slash({ text: 'I love it' }, { createdAt: Date.now() - 20 * 60_000 });
    const post = await h.fake.rest.waitForCall(
      (c) =>
        c.method === 'POST' &&
        c.path === `/channels/${IDS.general}/messages` &&
        c.body.embeds?.[0]?.fields?.[0]?.value === 'I love it',
    );
    expect(post.body.content).toContain(`<@${ALICE.id}>`);
    expect(post.body.embeds[0].title).toBe('positive (100%)');
    expect(post.body.allowed_mentions).toEqual({ users: [ALICE.id] });
    expect(post.authorization).toBe('Bot test-bot-token');
    expect(
      h.fake.rest.callsMatching(call('PATCH', `/webhooks/${IDS.app}/${i.token}/messages/@original`)),
    ).toHaveLength(0);
  });

  it('falls back to the channel when Discord refuses the token (401 Invalid Webhook Token)', async () => {
    let token = '';
    const patch = (c: { method: string; path: string }) =>
      c.method === 'PATCH' && token !== '' && c.path === `/webhooks/${IDS.app}/${token}/messages/@original`;
    h.fake.rest.failNext(patch, { status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } });
    const i = h.slash({ text: 'I love rain' });
    token = i.token;
    const post = await h.fake.rest.waitForCall(
      (c) =>
        c.method === 'POST' &&
        c.path === `/channels/${IDS.general}/messages` &&
        c.body.embeds?.[0]?.fields?.[0]?.value === 'I love rain',
    );
    expect(post.body.content).toContain(`<@${ALICE.id}>`);
    expect(post.body.embeds[0].title).toBe('positive (100%)');
    expect(h.fake.rest.callsMatching(patch)).toHaveLength(1);
  });

  it('sends a private answer by direct message, never in the channel, once the token has expired', async () => {
    const i = h.slash({ text: 'I hate queues', private: true }, { createdAt: Date.now() - 16 * 60_000 });
    const dm = await h.fake.rest.waitForCall(
      (c) => c.method === 'POST' && c.path === '/users/@me/channels' && c.body.recipient_id === ALICE.id,
    );
    const dmPost = await h.fake.rest.waitForCall(
      (c) =>
        c.method === 'POST' &&
        /^\/channels\/\d+\/messages$/.test(c.path) &&
        c.path !== `/channels/${IDS.general}/messages` &&
        c.body.embeds?.[0]?.title === 'negative (100%)',
    );
    expect(h.fake.rest.calls.indexOf(dm)).toBeLessThan(h.fake.rest.calls.indexOf(dmPost));
    expect(dmPost.body.content).toContain(`<#${IDS.general}>`);
    expect(
      h.fake.rest.callsMatching(call('PATCH', `/webhooks/${IDS.app}/${i.token}/messages/@original`)),
    ).toHaveLength(0);
  });

  it('waits out a 429 with Retry-After and a 500, then edits the reply', async () => {
    let token = '';
    const patch = (c: { method: string; path: string }) =>
      c.method === 'PATCH' && token !== '' && c.path === `/webhooks/${IDS.app}/${token}/messages/@original`;
    h.fake.rest.failNext(patch, {
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 0.3, global: false },
      headers: { 'retry-after': '0.3', 'x-ratelimit-scope': 'user' },
    });
    h.fake.rest.failNext(patch, { status: 500, body: { message: 'Internal Server Error', code: 0 } });
    const i = h.slash({ text: 'I love retries' });
    token = i.token;
    const third = await h.fake.rest.waitForCall(patch, { nth: 3 });
    expect(third.body.embeds[0].title).toBe('positive (100%)');
    const id = requestIdFor('discord', 'interaction', i.id);
    await waitFor(async () => (await h.deliveryState(id)) === 'completed', { what: 'delivery completed' });
    expect(h.fake.rest.callsMatching(patch)).toHaveLength(3);
  });
});

describe('"Classify message" context menu', () => {
  it('classifies the target message and answers privately', async () => {
    const target = h.message({ channelId: IDS.general, author: ALICE, content: 'I hate waiting' });
    const i = h.contextMenu(target);
    const defer = await h.fake.rest.waitForCall(call('POST', `/interactions/${i.id}/${i.token}/callback`));
    expect(defer.body).toEqual({ type: 5, data: { flags: 64 } });
    const edit = await h.fake.rest.waitForCall(
      call('PATCH', `/webhooks/${IDS.app}/${i.token}/messages/@original`),
    );
    expect(edit.body.embeds[0].title).toBe('negative (100%)');
    expect(edit.body.embeds[0].fields[0].value).toBe('I hate waiting');
  });
});

describe('mentions', () => {
  it('classifies "@bot [model] text" and replies to the message', async () => {
    const m = h.message({
      channelId: IDS.general,
      author: ALICE,
      content: `<@${BOT.id}> spam win a prize now`,
      mentions: [BOT],
    });
    const reply = await h.fake.rest.waitForCall(
      (c) =>
        c.method === 'POST' &&
        c.path === `/channels/${IDS.general}/messages` &&
        c.body.message_reference?.message_id === m.id,
    );
    expect(reply.body.embeds[0].title).toBe('spam (100%)');
    expect(reply.body.embeds[0].fields[0].value).toBe('win a prize now');
    expect(reply.body.message_reference).toEqual({
      message_id: m.id,
      channel_id: IDS.general,
      guild_id: IDS.guild,
      fail_if_not_exists: false,
    });
  });

  it('uses the default model when no model is named', async () => {
    const m = h.message({
      channelId: IDS.general,
      author: ALICE,
      content: `<@${BOT.id}> I love mentions`,
      mentions: [BOT],
    });
    const reply = await h.fake.rest.waitForCall(
      (c) => c.method === 'POST' && c.body?.message_reference?.message_id === m.id,
    );
    expect(reply.body.embeds[0].title).toBe('positive (100%)');
    expect(reply.body.embeds[0].footer.text).toMatch(/^sentiment v1\.2\.3/);
  });

  it('explains its use when the mention carries no text', async () => {
    const m = h.message({ channelId: IDS.general, author: ALICE, content: `<@${BOT.id}>`, mentions: [BOT] });
    const reply = await h.fake.rest.waitForCall(
      (c) => c.method === 'POST' && c.body?.message_reference?.message_id === m.id,
    );
    expect(reply.body.content).toContain('Mention me with a text to classify');
    expect(reply.body.content).toContain('Models: sentiment, spam, toxicity (default sentiment)');
    expect(await h.classifyJobState(requestIdFor('discord', 'mention', m.id))).toBeUndefined();
  });
});

describe('watched channels', () => {
  const reaction = (id: string) => call('PUT', `/channels/${IDS.watched}/messages/${id}/reactions/⚠️/@me`);
  const modLogPosts = (id: string) =>
    h.fake.rest.callsMatching(
      (c) =>
        c.method === 'POST' &&
        c.path === `/channels/${IDS.modLog}/messages` &&
        JSON.stringify(c.body).includes(id),
    );
  const checked = (id: string) =>
    waitFor(
      async () =>
        (await h.deliveryState(requestIdFor('discord', 'watch', id, 'toxicity'))) === 'completed' &&
        (await h.deliveryState(requestIdFor('discord', 'watch', id, 'spam'))) === 'completed',
      { what: `both moderation deliveries of ${id}` },
    );

  it('reacts and reports to the mod-log when a score reaches its threshold', async () => {
    // "dumb" alone scores offensive 73%: above this guild's 0.7.
    const m = h.message({ channelId: IDS.watched, author: ALICE, content: 'dumb' });
    const react = await h.fake.rest.waitForCall(reaction(m.id));
    expect(react.authorization).toBe('Bot test-bot-token');
    const post = await h.fake.rest.waitForCall(
      (c) => c.method === 'POST' && c.path === `/channels/${IDS.modLog}/messages`,
    );
    const embed = post.body.embeds[0];
    const link = `https://discord.com/channels/${IDS.guild}/${IDS.watched}/${m.id}`;
    expect(embed.title).toBe('Flagged: offensive 73% (toxicity)');
    expect(embed.url).toBe(link);
    expect(embed.description).toBe('dumb');
    expect(embed.fields).toEqual(
      expect.arrayContaining([
        { name: 'Author', value: `<@${ALICE.id}> (alice)`, inline: true },
        { name: 'Channel', value: `<#${IDS.watched}>`, inline: true },
        { name: 'Message', value: `[Jump to message](${link})`, inline: true },
        { name: 'Thresholds', value: 'offensive ≥ 70%' },
      ]),
    );
    expect(embed.fields.find((f: { name: string }) => f.name === 'Scores').value).toContain(
      'offensive      ███████░░░ 73%',
    );
    expect(post.body.allowed_mentions).toEqual({ parse: [] });
    await checked(m.id);
    // spam scored 27% (< 0.9 from its switchboard.json): one report, from toxicity only.
    expect(modLogPosts(m.id)).toHaveLength(1);
    expect(h.fake.rest.callsMatching(reaction(m.id))).toHaveLength(1);
  });

  it("flags spam at the threshold of the model's switchboard.json", async () => {
    const m = h.message({ channelId: IDS.watched, author: ALICE, content: 'claim your prize' });
    await h.fake.rest.waitForCall(reaction(m.id));
    await checked(m.id);
    const posts = modLogPosts(m.id);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body.embeds[0].title).toBe('Flagged: spam 100% (spam)');
    expect(posts[0]!.body.embeds[0].fields).toContainEqual({ name: 'Thresholds', value: 'spam ≥ 90%' });
  });

  it('does nothing when every score stays under its threshold', async () => {
    // "quite dumb" scores offensive 50%: under 0.7.
    const m = h.message({ channelId: IDS.watched, author: ALICE, content: 'quite dumb' });
    await checked(m.id);
    expect(h.fake.rest.callsMatching(reaction(m.id))).toHaveLength(0);
    expect(modLogPosts(m.id)).toHaveLength(0);
  });

  it('leaves messages in channels that are not watched alone', async () => {
    const m = h.message({ channelId: IDS.general, author: ALICE, content: 'you idiot' });
    // A later watched message, handled after it in gateway order, is the barrier.
    const barrier = h.message({ channelId: IDS.watched, author: ALICE, content: 'hello there' });
    await checked(barrier.id);
    expect(await h.classifyJobState(requestIdFor('discord', 'watch', m.id, 'toxicity'))).toBeUndefined();
  });

  it('ignores messages from bots and from itself', async () => {
    const fromBot = h.message({
      channelId: IDS.watched,
      author: { id: '900000000000000200', username: 'otherbot', bot: true },
      content: `<@${BOT.id}> you idiot, claim your prize`,
      mentions: [BOT],
    });
    const fromSelf = h.message({
      channelId: IDS.watched,
      author: BOT,
      content: 'you idiot, claim your prize',
    });
    const barrier = h.message({ channelId: IDS.watched, author: ALICE, content: 'hello again' });
    await checked(barrier.id);
    for (const m of [fromBot, fromSelf]) {
      for (const model of ['toxicity', 'spam']) {
        expect(await h.classifyJobState(requestIdFor('discord', 'watch', m.id, model))).toBeUndefined();
      }
      expect(await h.classifyJobState(requestIdFor('discord', 'mention', m.id))).toBeUndefined();
      expect(h.fake.rest.calls.filter((c) => JSON.stringify(c).includes(m.id))).toEqual([]);
    }
  });
});
