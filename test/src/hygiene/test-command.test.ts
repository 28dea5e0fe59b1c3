import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, readRepoFile } from '../deploy/repo-files.js';

describe('the test command', () => {
  it('checks for Chromium before anything else', () => {
    const scripts = JSON.parse(readRepoFile('package.json')).scripts as Record<string, string>;
    expect(scripts.test).toBe('node scripts/ensure-installed.mjs --chromium check');
  });

  it('stops with one line saying how to install Chromium when it is missing', () => {
    // CHROMIUM_PATH names a binary that is not there: the set-up must not try apt-get for a path
    // the user chose, and must stop before installing dependencies or running anything.
    const missing = '/nonexistent/switchboard-test/chromium';
    const run = spawnSync(process.execPath, ['scripts/ensure-installed.mjs', '--chromium', 'check'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, CHROMIUM_PATH: missing },
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(missing);
    expect(lines[0]).toContain('apt-get install -y --no-install-recommends chromium');
  });
});
