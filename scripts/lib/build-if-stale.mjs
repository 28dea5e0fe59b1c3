// Builds the workspace (`tsc -b tsconfig.build.json`) when a source is newer than its build. Used by
// `scripts/run-built.mjs` (`pnpm switchboard`, `pnpm bench`) and by the test set-up, because
// services, the CLI and worker threads always run from `dist/`.
//
// The freshness check is a walk over file times (a few milliseconds); only when something changed
// does tsc run, and it then rebuilds just the projects that need it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD_CONFIG = join(ROOT, 'tsconfig.build.json');

/** Newest modification time (ms) of the build inputs under `dir` (tests are not inputs). */
function newestUnder(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestUnder(path));
    else if (e.isFile() && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);

/** The build-info file of every project in the build, by project folder. */
function buildInfos() {
  // Generated with a comment header (pnpm deploy:gen): drop whole-line comments before parsing.
  const text = readFileSync(BUILD_CONFIG, 'utf8')
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n');
  const { references } = JSON.parse(text);
  return references.map(({ path }) => {
    const dir = join(ROOT, path);
    return { dir, info: join(dir, 'dist', '.tsbuildinfo') };
  });
}

/**
 * True when every project of the build has a build-info file newer than its sources, its tsconfig
 * and package.json, and than the shared compiler options.
 */
export function isBuildFresh() {
  const shared = Math.max(mtime(BUILD_CONFIG), mtime(join(ROOT, 'tsconfig.base.json')));
  return buildInfos().every(({ dir, info }) => {
    const built = mtime(info);
    const inputs = Math.max(
      shared,
      newestUnder(join(dir, 'src')),
      mtime(join(dir, 'tsconfig.json')),
      mtime(join(dir, 'package.json')),
    );
    return built > 0 && inputs <= built;
  });
}

/**
 * Runs `tsc -b tsconfig.build.json` unless the build is fresh. Returns false when the build failed
 * (tsc has printed why), true otherwise, also when no compiler is installed (a production install
 * runs what was built).
 */
export function buildIfStale(log = (line) => process.stderr.write(`${line}\n`)) {
  if (isBuildFresh()) return true;
  let tsc;
  try {
    tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return true;
  }
  log('Building (tsc -b tsconfig.build.json): dist/ is missing or older than the sources...');
  const res = spawnSync(process.execPath, [tsc, '-b', BUILD_CONFIG], { cwd: ROOT, stdio: 'inherit' });
  if (res.status !== 0) return false;
  // tsc leaves a project's build info alone when the changed file was no input of it (a test
  // helper): mark the build as checked now, or every later run would start tsc again.
  const now = new Date();
  for (const { info } of buildInfos()) if (existsSync(info)) utimesSync(info, now, now);
  return true;
}
