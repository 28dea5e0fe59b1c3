import type { DiscordPlugin } from '@switchboard/plugin-discord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordHarness, IDS } from '../discord/discord-harness.js';
import { call } from '../discord/fake-discord-rest.js';
import { waitFor } from '../helpers/wait-for.js';
import { FakeSlack } from '../slack/fake-slack.js';
import { postSigned } from '../slack/signed-request.js';
import { SIGNING_SECRET, type SlackApp, startSlackApp } from '../slack/slack-harness.js';
import { commandBody, slackId } from '../slack/slack-payloads.js';

// Both chat plugins run on the channel runtime, so both serve the same metrics on /metrics:
// Discord on DISCORD_HEALTH_PORT, Slack on its own port in HTTP mode.

let h: DiscordHarness;
let discord: DiscordPlugin;
let fakeSlack: FakeSlack;
let slack: SlackApp;

beforeAll(async () => {
  h = await DiscordHarness.start();
  fakeSlack = await FakeSlack.start();
  await h.startWorker();
  [discord, slack] = await Promise.all([
    h.startPlugin({ DISCORD_HEALTH_PORT: '0', DISCORD_HEALTH_HOST: '127.0.0.1' }),
    startSlackApp({
      redisUrl: h.redisUrl,
      prefix: h.prefix,
      modelsDir: h.models.dir,
      defaultModel: 'sentiment',
      apiUrl: fakeSlack.apiUrl,
    }),
  ]);
});

afterAll(async () => {
  await slack?.plugin.close();
  await discord?.close();
  await fakeSlack?.close();
  await h?.close();
});

/** The value of one sample line of a Prometheus text page (`undefined` when absent). */
function sample(page: string, line: string): number | undefined {
  const found = page.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

/** Waits until /metrics at `url` shows every expected value; returns the page. */
async function metricsShow(url: string, expected: Record<string, number>): Promise<string> {
  let page = '';
  await waitFor(
    async () => {
      const res = await fetch(url);
      expect(res.headers.get('content-type')).toContain('text/plain');
      page = await res.text();
      return Object.entries(expected).every(([line, value]) => sample(page, line) === value);
    },
    { what: `${url} to show ${JSON.stringify(expected)}` },
  );
  return page;
}

function expectedFor(channel: string): Record<string, number> {
  const c = `channel="${channel}"`;
  return {
    [`switchboard_channel_requests_total{${c}}`]: 2,
    [`switchboard_channel_refusals_total{${c},reason="invalid_text"}`]: 1,
    [`switchboard_channel_ack_seconds_count{${c}}`]: 2,
    [`switchboard_channel_delivery_attempts_total{${c},outcome="delivered"}`]: 1,
    [`switchboard_channel_answer_seconds_count{${c}}`]: 1,
  };
}

describe('channel metrics on /metrics', () => {
  it('Discord: requests, refusals by reason, ack latency, deliveries and time to answer', async () => {
    const i = h.slash({ text: 'I love metrics' });
    await h.fake.rest.waitForCall(call('PATCH', `/webhooks/${IDS.app}/${i.token}/messages/@original`));
    const empty = h.slash({ text: '   ' });
    await h.fake.rest.waitForCall(call('POST', `/interactions/${empty.id}/${empty.token}/callback`));

    const url = `${discord.runtime.healthUrl}/metrics`;
    const page = await metricsShow(url, expectedFor('discord'));
    expect(sample(page, 'switchboard_channel_answer_seconds_sum{channel="discord"}')).toBeGreaterThan(0);
    expect(page).toContain('process_cpu_seconds_total{service="discord"}');
    expect((await fetch(`${discord.runtime.healthUrl}/readyz`)).status).toBe(200);
  });

  it('Slack: the same metrics, served on the app port beside /slack/events', async () => {
    const responseId = slackId('r');
    const form = 'application/x-www-form-urlencoded';
    const send = (text: string, response_url: string) =>
      postSigned(slack.url, commandBody({ text, response_url }).body, form, { secret: SIGNING_SECRET });
    await send('I love metrics', fakeSlack.responseUrl(responseId));
    await fakeSlack.waitForCall((c) => c.kind === 'response_url' && c.name === responseId, 'the answer');
    const long = await send(`sunny ${'x'.repeat(10_000)}`, fakeSlack.responseUrl(slackId('r')));
    expect(long.json?.text).toContain('The text is longer than 10000 characters.');

    const base = slack.url.replace(/\/slack\/events$/, '');
    await metricsShow(`${base}/metrics`, expectedFor('slack'));
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
