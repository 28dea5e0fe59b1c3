import { join } from 'node:path';
import { ClassifyQueue } from '@switchboard/core';
import { Dashboard, type DashboardAddress } from '@switchboard/dashboard';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCueModel } from '../helpers/cue-model.js';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { testRequest } from '../helpers/requests.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';
import { ARTIFACTS_DIR, launchChromium } from './chromium.js';
import { countCell, loginAs, postFromPage, UI_TIMEOUT_MS, waitForText } from './dashboard-page.js';

const redisUrl = SHARED_REDIS_URL;
const prefix = uniquePrefix('dash');
const ADMIN = { name: 'admin', password: 'admin-secret-1', role: 'admin' } as const;
const VIEWER = { name: 'ops', password: 'viewer-secret-1', role: 'viewer' } as const;
/** A model the repository lacks at first: its job fails, then the model appears and a retry works. */
const LATE_MODEL = 'late-weather';

let models: TestModels;
let worker: WorkerProcess;
let dashboard: Dashboard;
let address: DashboardAddress;
let queue: ClassifyQueue;
let browser: Browser;
let admin: Page;

beforeAll(async () => {
  // First, so a machine without Chromium fails at once with the install command.
  browser = await launchChromium();
  models = await createTestModels();
  worker = await startWorker({ redisUrl, prefix, modelsDir: models.dir });
  dashboard = new Dashboard({
    port: 0,
    host: '127.0.0.1',
    redisUrl,
    prefix,
    latencySample: 1_000,
    secureCookie: 'auto',
    logLevel: 'silent',
    credentials: { users: [ADMIN, VIEWER] },
  });
  address = await dashboard.start();
  queue = await ClassifyQueue.connect({ redisUrl, prefix });
});

afterAll(async () => {
  await browser?.close();
  await queue?.close();
  await dashboard?.close();
  await worker?.stop();
  await deletePrefixKeys(redisUrl, prefix);
  await models?.remove();
});

describe('dashboard in a real browser', () => {
  it('sends visitors without a session to the login page, and the API answers 401', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${address.url}/`);
    expect(page.url()).toBe(`${address.url}/login?next=%2F`);
    expect(response?.headers()['content-type']).toContain('text/html');
    expect(await page.locator('form[action="/login"] input[name=password]').count()).toBe(1);
    await page.goto(`${address.url}/queues`);
    expect(page.url()).toContain('/login?next=%2Fqueues');
    await context.close();

    const api = await fetch(`${address.url}/api/overview`);
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: string }).error).toBe('login_required');
    const board = await fetch(`${address.url}/queues/api/queues`);
    expect(board.status).toBe(401);
    const action = await fetch(`${address.url}/api/queues/classify/pause`, { method: 'POST' });
    expect(action.status).toBe(401);
  });

  it('refuses a wrong password and says so on the login page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${address.url}/login`);
    await page.fill('input[name=user]', ADMIN.name);
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('.login-error');
    expect(await page.locator('.login-error').textContent()).toContain('Wrong user name or password');
    expect((await fetch(`${address.url}/api/overview`)).status).toBe(401);
    await context.close();
  });

  it('shows an admin the counts changing live as jobs are added, paused and resumed', async () => {
    const login = await loginAs(browser, address.url, ADMIN.name, ADMIN.password);
    admin = login.page;
    await waitForText(admin, countCell('classify', 'completed'), '0');
    await admin.waitForSelector('[data-testid="worker-rows"] tr', { timeout: UI_TIMEOUT_MS });
    expect(await admin.locator('[data-testid="worker-rows"]').textContent()).toContain(FAST_MODEL);
    // The Models section: the model, its version, and the worker that has it loaded.
    await admin.waitForSelector('[data-testid="model-rows"] tr', { timeout: UI_TIMEOUT_MS });
    const modelRow = await admin.locator('[data-testid="model-rows"] tr').first().textContent();
    expect(modelRow).toContain(FAST_MODEL);
    expect(modelRow).toContain('1.0.0');
    expect(modelRow).toContain(String(worker.pid));

    await admin.click('tr[data-queue="classify"] button[data-action="pause"]');
    await waitForText(admin, 'tr[data-queue="classify"] .queue-state', 'paused');
    for (let i = 0; i < 5; i++) {
      const channel = i < 3 ? 'slack' : 'http';
      await queue.enqueue(
        testRequest(FAST_MODEL, ['sunny morning', 'rainy afternoon'], {
          channel,
          replyMode: channel === 'slack' ? 'deliver' : 'wait',
        }),
      );
      // The page shows each new job without a reload.
      await waitForText(admin, countCell('classify', 'waiting'), String(i + 1));
    }
    expect(await admin.textContent(countCell('classify', 'completed'))).toBe('0');

    await admin.click('tr[data-queue="classify"] button[data-action="resume"]');
    await waitForText(admin, countCell('classify', 'completed'), '5');
    await waitForText(admin, countCell('classify', 'waiting'), '0');
    // Slack jobs were handed to the delivery queue, which the dashboard finds by itself.
    await waitForText(admin, countCell('deliver-slack', 'waiting'), '3');

    await admin.waitForSelector(`#labels [data-model="${FAST_MODEL}"] [data-label="positive"]`, {
      timeout: UI_TIMEOUT_MS,
    });
    expect(await admin.textContent(`#labels [data-model="${FAST_MODEL}"] [data-label="positive"]`)).toContain(
      '5 · 50%',
    );
    const volume = await admin.textContent('#volume-channel');
    expect(volume).toContain('slack');
    expect(volume).toContain('http');
    const p50 = await admin.textContent('#latency-rows tr[data-latency="end-to-end"] td');
    expect(Number(p50?.replaceAll(',', ''))).toBeGreaterThan(0);
    // Batch sizes come from the worker's own /metrics, scraped by the dashboard.
    await admin.waitForSelector(`#batch-sizes [data-model="${FAST_MODEL}"]`, { timeout: UI_TIMEOUT_MS });
    expect(await admin.textContent('#redis')).toContain('connected');
    await admin.screenshot({ path: join(ARTIFACTS_DIR, 'dashboard-overview.png'), fullPage: true });
    // The charts and the page script run under the page's strict Content-Security-Policy.
    expect(login.consoleErrors).toEqual([]);
  });

  it('opens a failed job in the job view, retries it once its model exists, and it completes', async () => {
    const request = testRequest(LATE_MODEL, ['sunny morning in town']);
    await queue.enqueue(request);
    await waitForText(admin, countCell('classify', 'failed'), '1');
    await admin.waitForSelector(`#failures li[data-job="${request.id}"]`, { timeout: UI_TIMEOUT_MS });
    expect(await admin.textContent(`#failures li[data-job="${request.id}"]`)).toContain('unknown_model');

    await admin.click(`#failures li[data-job="${request.id}"] a`);
    await admin.waitForURL(`${address.url}/queues/queue/classify/${request.id}`);
    await admin.getByText(`Unknown model "${LATE_MODEL}"`).first().waitFor({ timeout: UI_TIMEOUT_MS });
    // The stack trace is on the job's Error tab too.
    await admin.getByText('processClassifyJob').first().waitFor({ timeout: UI_TIMEOUT_MS });
    await admin.screenshot({ path: join(ARTIFACTS_DIR, 'dashboard-failed-job.png'), fullPage: true });

    await writeCueModel(join(models.dir, LATE_MODEL));
    await clickJobAction(admin, 'Retry');
    const done = await waitFor(
      async () => {
        // ClassifyQueue.getJob reads the job's hash, then its state: a job that completes between
        // the two reads looks completed without a result and fails to parse. Look again then.
        const job = await queue.getJob(request.id).catch(() => undefined);
        return job?.state === 'completed' ? job : undefined;
      },
      { what: `job ${request.id} to complete after the retry`, timeoutMs: UI_TIMEOUT_MS },
    );
    expect(done.result?.results[0]?.top.label).toBe('positive');

    await admin.goto(`${address.url}/`);
    await waitForText(admin, countCell('classify', 'failed'), '0');
    await waitForText(admin, countCell('classify', 'completed'), '6');
  });

  it('lets an admin retry a failed job from the overview through the JSON API', async () => {
    const request = testRequest(`${LATE_MODEL}-2`, ['rainy town']);
    await queue.enqueue(request);
    await admin.waitForSelector(`#failures li[data-job="${request.id}"] button[data-action="retry-job"]`, {
      timeout: UI_TIMEOUT_MS,
    });
    await writeCueModel(join(models.dir, `${LATE_MODEL}-2`));
    await admin.click(`#failures li[data-job="${request.id}"] button[data-action="retry-job"]`);
    await waitForText(admin, '#action-message', `Retry job ${request.id}: done (1 job).`);
    await waitForText(admin, countCell('classify', 'completed'), '7');
    expect((await queue.getJob(request.id))?.result?.results[0]?.top.label).toBe('negative');
  });

  it('gives a viewer everything to see, no action buttons, and 403 for any action', async () => {
    const { context, page } = await loginAs(browser, address.url, VIEWER.name, VIEWER.password);
    await waitForText(page, countCell('classify', 'completed'), '7');
    expect(await page.locator('button[data-action]').count()).toBe(0);
    expect(await page.textContent('.role')).toBe('viewer');

    const pause = await postFromPage(page, '/api/queues/classify/pause');
    expect(pause.status).toBe(403);
    expect(JSON.stringify(pause.body)).toContain('viewer');
    const clean = await postFromPage(page, '/api/queues/classify/clean-completed');
    expect(clean.status).toBe(403);
    const boardPause = await postFromPage(page, '/queues/api/queues/classify/pause', { method: 'PUT' });
    expect(boardPause.status).toBe(403);

    // The read-only job board shows the jobs but offers no retry.
    await page.goto(`${address.url}/queues/queue/classify?status=completed`);
    await page.getByText('read-only (viewer)').first().waitFor({ timeout: UI_TIMEOUT_MS });
    const api = (await (await page.request.get(`${address.url}/queues/api/queues`)).json()) as {
      queues: { name: string; readOnlyMode: boolean }[];
    };
    expect(api.queues.find((q) => q.name === 'classify')?.readOnlyMode).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'dashboard-viewer-jobs.png'), fullPage: true });

    const counts = await queue.counts();
    expect(counts.completed).toBe(7);
    await context.close();
  });

  it('refuses an admin action without the CSRF token or from another origin', async () => {
    const noToken = await postFromPage(admin, '/api/queues/classify/pause', { withCsrf: false });
    expect(noToken.status).toBe(403);
    const cookies = await admin.context().cookies();
    const session = cookies.find((c) => c.name === 'switchboard_dashboard');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    const token = await admin.getAttribute('meta[name="csrf-token"]', 'content');
    const crossSite = await fetch(`${address.url}/api/queues/classify/pause`, {
      method: 'POST',
      headers: {
        cookie: `switchboard_dashboard=${session?.value}`,
        origin: 'http://evil.example',
        'x-csrf-token': token ?? '',
      },
    });
    expect(crossSite.status).toBe(403);
    const paused = await fetch(`${address.url}/api/overview`, {
      headers: { cookie: `switchboard_dashboard=${session?.value}` },
    });
    const snapshot = (await paused.json()) as { queues: { name: string; paused: boolean }[] };
    expect(snapshot.queues.find((q) => q.name === 'classify')?.paused).toBe(false);
  });

  it('serves /healthz and /metrics without a login', async () => {
    const health = await fetch(`${address.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', redis: 'connected' });
    const metrics = await (await fetch(`${address.url}/metrics`)).text();
    // Every series carries service="dashboard" (prom-client puts default labels last).
    expect(metrics).toMatch(
      /switchboard_queue_jobs\{queue="classify",state="completed",service="dashboard"\} 7/,
    );
    expect(metrics).toMatch(
      /switchboard_dashboard_http_requests_total\{method="GET",route="\/api\/overview",status="200",service="dashboard"\} \d+/,
    );
    expect(metrics).toMatch(/switchboard_workers_online\{service="dashboard"\} 1/);
    // Node's default metrics keep their standard names.
    expect(metrics).toMatch(/^process_cpu_seconds_total\{service="dashboard"\} [\d.e+-]+$/m);
    expect(metrics).toMatch(/^nodejs_eventloop_lag_seconds\{service="dashboard"\} [\d.e+-]+$/m);
  });

  it('logs out: the session ends and the API answers 401 again', async () => {
    const cookie = (await admin.context().cookies()).find((c) => c.name === 'switchboard_dashboard');
    await admin.click('form.logout button');
    await admin.waitForURL(`${address.url}/login`);
    const after = await fetch(`${address.url}/api/overview`, {
      headers: { cookie: `switchboard_dashboard=${cookie?.value}` },
    });
    expect(after.status).toBe(401);
  });
});

/**
 * Clicks one of bull-board's icon buttons on the job card; they are labelled only by a tooltip,
 * so each is hovered until the tooltip names the wanted action (as a person finds it).
 */
async function clickJobAction(page: Page, label: string): Promise<void> {
  const candidates = page.locator('button:not([role=tab]):has(svg)');
  const n = await candidates.count();
  for (let i = 0; i < n; i++) {
    const button = candidates.nth(i);
    await button.hover();
    const tip = page.locator('[role=tooltip], [data-side]').filter({ hasText: label });
    const shown = await tip
      .first()
      .waitFor({ timeout: 1_000 })
      .then(() => true)
      .catch(() => false);
    if (shown) {
      await button.click();
      // bull-board asks "Are you sure?" before acting.
      await page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
      return;
    }
  }
  throw new Error(`no job action with the tooltip "${label}" on ${page.url()}`);
}
