#!/usr/bin/env node
// The README's two Quick start commands (`npm start`, `npm test`) go through here so that a fresh
// clone needs nothing but Node 20+: find pnpm (or fetch the pinned one through npx), install the
// workspace from the lockfile, then run the requested root script. With --chromium (the test
// command) it first makes sure the browser tests have Chromium (scripts/ensure-chromium.mjs).
import { spawnSync } from 'node:child_process';
import { ensureChromium } from './ensure-chromium.mjs';

const argv = process.argv.slice(2);
const withChromium = argv[0] === '--chromium';
const [script, ...args] = withChromium ? argv.slice(1) : argv;
if (!script) {
  console.error('usage: ensure-installed.mjs [--chromium] <root script> [args...]');
  process.exit(2);
}
if (withChromium) {
  const missing = ensureChromium();
  if (missing) {
    console.error(missing);
    process.exit(1);
  }
}
// The pnpm this repository's lockfile was written with.
const pinned = 'pnpm@12.21.0';

function run(cmd, cmdArgs) {
  const res = spawnSync(cmd, cmdArgs, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (res.error) return { ok: false, missing: res.error.code === 'ENOENT' };
  return { ok: res.status === 0, status: res.status ?? 1 };
}

const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
const pnpm = probe.status === 0 ? ['pnpm'] : ['npx', '--yes', pinned];
if (probe.status !== 0) console.log(`pnpm not found; using ${pinned} through npx`);

const [cmd, ...pre] = pnpm;
console.log('Installing dependencies (pnpm install --frozen-lockfile)...');
const install = run(cmd, [
  ...pre,
  'install',
  '--frozen-lockfile',
  '--prefer-offline',
  '--reporter=append-only',
]);
if (!install.ok) {
  console.error('Dependency installation failed; see the output above.');
  process.exit(install.status ?? 1);
}
const res = run(cmd, [...pre, 'run', script, ...args]);
process.exit(res.ok ? 0 : (res.status ?? 1));
