// The dashboard's browser tests drive Debian's Chromium through playwright-core
// (`npx playwright install` cannot download browsers here). `npm test` calls this first: it
// installs Chromium with apt-get when it runs as root, and otherwise stops with one line that
// says how, rather than letting the browser tests fail one by one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where the browser tests look for Chromium (test/src/dashboard/chromium.ts reads the same variable). */
export const chromiumPath = () => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const INSTALL = 'apt-get install -y --no-install-recommends chromium';

/**
 * Makes sure Chromium is at {@link chromiumPath}. Returns undefined when it is there (or was just
 * installed), else the one line to print.
 */
export function ensureChromium() {
  const path = chromiumPath();
  if (existsSync(path)) return undefined;
  const how = `Chromium is missing at ${path} (the dashboard's browser tests need it): install it with \`sudo apt-get update && sudo ${INSTALL}\` (Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium binary.`;
  const canApt =
    process.platform === 'linux' &&
    typeof process.getuid === 'function' &&
    process.getuid() === 0 &&
    spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!canApt || process.env.CHROMIUM_PATH) return how;
  console.log(`Installing Chromium for the browser tests (apt-get update && ${INSTALL})...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  const install =
    update.status === 0 &&
    spawnSync('apt-get', INSTALL.split(' ').slice(1), { stdio: 'inherit', env }).status === 0;
  return install && existsSync(path) ? undefined : how;
}
