import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { REPO_ROOT } from '../helpers/worker-process.js';

/** Debian's Chromium; `CHROMIUM_PATH` points elsewhere. `npx playwright install` cannot work offline. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where browser tests leave their screenshots (gitignored). */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts');

/**
 * Launches headless Chromium. Fails (never skips) with what to run when it is not installed: CI
 * installs it, so a missing browser is a broken machine, not a reason to pass.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. The dashboard's browser tests need it: ` +
        'run `apt-get update && apt-get install -y --no-install-recommends chromium` ' +
        '(or set CHROMIUM_PATH to a Chromium binary).',
    );
  }
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
