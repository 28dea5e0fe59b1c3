import { fork } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceReadyMessage } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { REPO_ROOT } from '../helpers/worker-process.js';

const ENTRY = join(REPO_ROOT, 'dashboard/dist/dashboard-main.js');
const prefix = uniquePrefix('dash-svc');
let dir: string;
/** Reports whether onnxruntime was loaded (see scripts/testing/ort-load-probe.mjs). */
const probe = join(REPO_ROOT, 'scripts/testing/ort-load-probe.mjs');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-dashboard-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await deletePrefixKeys(SHARED_REDIS_URL, prefix);
});

/** Runs the service entry as the stack does (fork with IPC) and returns its output once it exits. */
function runService(env: Record<string, string>, whileReady: (ready: ServiceReadyMessage) => Promise<void>) {
  const child = fork(ENTRY, [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', probe],
    env: { ...process.env, REDIS_URL: SHARED_REDIS_URL, SWITCHBOARD_QUEUE_PREFIX: prefix, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string; ready?: ServiceReadyMessage }>(
    (resolve, reject) => {
      let ready: ServiceReadyMessage | undefined;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`dashboard did not finish within 30 s:\n${stdout}\n${stderr}`));
      }, 30_000);
      child.on('message', (message: ServiceReadyMessage) => {
        if (message?.type !== 'ready') return;
        ready = message;
        whileReady(message).then(
          () => child.kill('SIGTERM'),
          (err) => {
            child.kill('SIGTERM');
            reject(err);
          },
        );
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, ...(ready ? { ready } : {}) });
      });
    },
  );
}

describe('the dashboard service process', () => {
  it('announces its URL to the stack, serves, stops on SIGTERM and never loads onnxruntime', async () => {
    const run = await runService(
      { DASHBOARD_PORT: '0', DASHBOARD_USERS: 'admin:service-admin-pw:admin', LOG_LEVEL: 'info' },
      async (ready) => {
        const health = await fetch(`${ready.url}/healthz`);
        expect(await health.json()).toEqual({ status: 'ok', redis: 'connected' });
        expect((await fetch(`${ready.url}/api/overview`)).status).toBe(401);
      },
    );
    expect(run.code).toBe(0);
    expect(run.ready?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(run.ready?.detail).toContain('login: admin (admin)');
    expect(run.stderr).toContain('onnxruntime loaded: false');
    // The log names users and roles, never their passwords.
    expect(run.stdout).toContain('dashboard ready');
    expect(run.stdout).not.toContain('service-admin-pw');
  });

  it('says development mode loudly when it runs on loopback without credentials', async () => {
    const run = await runService({ DASHBOARD_PORT: '0', LOG_LEVEL: 'info' }, async (ready) => {
      const page = await (await fetch(`${ready.url}/`)).text();
      expect(page).toContain('class="dev-banner"');
    });
    expect(run.code).toBe(0);
    expect(run.ready?.detail).toContain('DEVELOPMENT MODE');
    expect(run.stdout).toContain('DEVELOPMENT MODE: no dashboard credentials configured');
  });

  it('refuses to start off loopback without credentials, and says what to set', async () => {
    const run = await runService({ DASHBOARD_PORT: '0', DASHBOARD_HOST: '0.0.0.0' }, async () => {
      throw new Error('it must not become ready');
    });
    expect(run.code).toBe(1);
    expect(run.ready).toBeUndefined();
    expect(run.stderr).toContain('without any login. Set DASHBOARD_USERS');
  });

  it('names the variable of a bad setting and exits 2', async () => {
    const run = await runService({ DASHBOARD_PORT: 'http' }, async () => {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('switchboard dashboard: DASHBOARD_PORT:');
  });
});

// The stack runs the entry its package.json declares: the tests above must run that same file.
it('is the entry declared in the package.json service block', async () => {
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'dashboard/package.json'), 'utf8')) as {
    switchboard: { service: { name: string; entry: string } };
  };
  expect(pkg.switchboard.service).toMatchObject({ name: 'dashboard', entry: 'dist/dashboard-main.js' });
  expect(join(REPO_ROOT, 'dashboard', pkg.switchboard.service.entry)).toBe(ENTRY);
});
