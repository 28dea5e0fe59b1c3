import { REDACTED } from '@switchboard/core';
import { Dashboard, type DashboardAddress } from '@switchboard/dashboard';
import type { DiscordPlugin } from '@switchboard/plugin-discord';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordHarness, IDS } from '../discord/discord-harness.js';
import { call } from '../discord/fake-discord-rest.js';
import { FakeSlack } from '../slack/fake-slack.js';
import { postSigned } from '../slack/signed-request.js';
import { SIGNING_SECRET, type SlackApp, startSlackApp } from '../slack/slack-harness.js';
import { commandBody, slackId } from '../slack/slack-payloads.js';
import { launchChromium } from './chromium.js';
import { loginAs, UI_TIMEOUT_MS } from './dashboard-page.js';

// Slack's response_url posts into a channel for 30 minutes and a Discord interaction token edits
// the bot's replies for 15: real jobs from both plugins, then every job page and the board's JSON
// API as each role sees them, searched for either value.

const ADMIN = { name: 'admin', password: 'admin-secret-2', role: 'admin' } as const;
const VIEWER = { name: 'ops', password: 'viewer-secret-2', role: 'viewer' } as const;
const QUEUES = ['classify', 'deliver-slack', 'deliver-discord'];

let browser: Browser;
let h: DiscordHarness;
let discord: DiscordPlugin;
let fakeSlack: FakeSlack;
let slack: SlackApp;
let dashboard: Dashboard;
let address: DashboardAddress;
const secrets: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  h = await DiscordHarness.start();
  fakeSlack = await FakeSlack.start();
  await h.startWorker();
  [discord, slack] = await Promise.all([
    h.startPlugin(),
    startSlackApp({
      redisUrl: h.redisUrl,
      prefix: h.prefix,
      modelsDir: h.models.dir,
      defaultModel: 'sentiment',
      apiUrl: fakeSlack.apiUrl,
    }),
  ]);
  dashboard = new Dashboard({
    port: 0,
    host: '127.0.0.1',
    redisUrl: h.redisUrl,
    prefix: h.prefix,
    latencySample: 1_000,
    secureCookie: 'auto',
    logLevel: 'silent',
    credentials: { users: [ADMIN, VIEWER] },
  });
  address = await dashboard.start();

  // One answered request from each plugin, through the real queue and worker.
  const responseId = slackId('r');
  const responseUrl = fakeSlack.responseUrl(responseId);
  const body = commandBody({ text: 'I love it', response_url: responseUrl }).body;
  await postSigned(slack.url, body, 'application/x-www-form-urlencoded', { secret: SIGNING_SECRET });
  await fakeSlack.waitForCall((c) => c.kind === 'response_url' && c.name === responseId, 'the Slack answer');
  const i = h.slash({ text: 'I love it too' });
  await h.fake.rest.waitForCall(call('PATCH', `/webhooks/${IDS.app}/${i.token}/messages/@original`));
  // The whole URL, its path (the part that authorises) and the interaction token.
  secrets.push(responseUrl, new URL(responseUrl).pathname, i.token);
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await slack?.plugin.close();
  await discord?.close();
  await fakeSlack?.close();
  await h?.close();
});

/** Fetches a board API path from inside the page (with its session cookie). */
function boardJson(page: Page, path: string): Promise<string> {
  return page.evaluate(async (p) => (await fetch(p)).text(), path);
}

/** Everything a role can see of the three queues' completed jobs: pages and JSON. */
async function everythingShown(page: Page): Promise<string[]> {
  const seen: string[] = [];
  for (const queue of QUEUES) {
    const list = await boardJson(page, `/queues/api/queues?activeQueue=${queue}&status=completed&page=1`);
    seen.push(list);
    const jobs = (JSON.parse(list) as { queues: { name: string; jobs: { id: string }[] }[] }).queues.find(
      (q) => q.name === queue,
    )?.jobs;
    expect(jobs?.length, `completed jobs on ${queue}`).toBeGreaterThan(0);
    await page.goto(`${address.url}/queues/queue/${queue}?status=completed`);
    await page.getByText(REDACTED).first().waitFor({ timeout: UI_TIMEOUT_MS });
    seen.push(await page.content());
    for (const job of jobs ?? []) {
      seen.push(await boardJson(page, `/queues/api/queues/${queue}/${job.id}`));
      await page.goto(`${address.url}/queues/queue/${queue}/${job.id}`);
      await page.getByText(REDACTED).first().waitFor({ timeout: UI_TIMEOUT_MS });
      seen.push(await page.content());
    }
  }
  return seen;
}

describe('secrets in job data', () => {
  for (const user of [VIEWER, ADMIN]) {
    it(`are redacted everywhere the ${user.role} looks: job pages and the board's JSON API`, async () => {
      const { context, page } = await loginAs(browser, address.url, user.name, user.password);
      try {
        const seen = (await everythingShown(page)).join('\n');
        for (const secret of secrets) expect(seen).not.toContain(secret);
        for (const encoded of secrets.map(encodeURIComponent)) expect(seen).not.toContain(encoded);
        // The rest of the reply target is still there to inspect.
        expect(seen).toContain('"kind":"command"');
        expect(seen).toContain('"kind":"interaction"');
      } finally {
        await context.close();
      }
    });
  }
});
