import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * The little of the DOM that the functions run inside the page use; declared here rather than
 * adding the DOM library to the whole Node test project.
 */
declare const document: {
  querySelector(
    selector: string,
  ): { textContent: string | null; getAttribute(name: string): string | null } | null;
};

/** How long a test waits for the page to show something (the page polls every 2 s). */
export const UI_TIMEOUT_MS = 25_000;

/** Opens a fresh browser context (own cookies) and logs in through the login form. */
export async function loginAs(
  browser: Browser,
  baseUrl: string,
  user: string,
  password: string,
): Promise<{ context: BrowserContext; page: Page; consoleErrors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  // Script errors and Content-Security-Policy violations of the dashboard's own pages.
  const consoleErrors: string[] = [];
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto(`${baseUrl}/`);
  await page.waitForURL(/\/login/);
  await page.fill('input[name=user]', user);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${baseUrl}/`);
  return { context, page, consoleErrors };
}

/** Waits until the element matching `selector` shows exactly `text` (the page updates itself). */
export async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  try {
    await page.waitForFunction(
      ([sel, expected]) => document.querySelector(sel as string)?.textContent?.trim() === expected,
      [selector, text] as const,
      { timeout: UI_TIMEOUT_MS, polling: 100 },
    );
  } catch (err) {
    const shown = await page
      .locator(selector)
      .first()
      .textContent({ timeout: 1_000 })
      .catch(() => '(element not found)');
    throw new Error(
      `"${selector}" did not show "${text}" (it shows "${shown?.trim()}"): ${(err as Error).message}`,
    );
  }
}

/** Selector of one count cell of the queue table. */
export function countCell(queue: string, state: string): string {
  return `tr[data-queue="${queue}"] td[data-count="${state}"]`;
}

/**
 * Calls the dashboard's JSON API from inside the page, as the page's own script would: same
 * origin, session cookie, and the CSRF token from the page unless `withCsrf` is false.
 */
export async function postFromPage(
  page: Page,
  path: string,
  options: { method?: string; withCsrf?: boolean } = {},
): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ path, method, withCsrf }) => {
      const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
      const res = await fetch(path, {
        method,
        headers: { 'Content-Type': 'application/json', ...(withCsrf ? { 'X-CSRF-Token': token } : {}) },
        body: '{}',
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    { path, method: options.method ?? 'POST', withCsrf: options.withCsrf ?? true },
  );
}
