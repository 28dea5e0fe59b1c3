import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cueLabel } from '../helpers/cue-model.js';
import { freePort } from '../helpers/free-port.js';
import { FAST_MODEL } from '../helpers/test-models.js';
import { REPO_ROOT } from '../helpers/worker-process.js';
import { type Api, type Backend, KEYS, startApi, startBackend } from './http-stack.js';

let backend: Backend;
let api: Api;

beforeAll(async () => {
  backend = await startBackend();
  api = await startApi(backend);
});

afterAll(async () => {
  await api?.close();
  await backend?.close();
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI without blocking this process, which serves the API the CLI talks to. */
function cli(args: string[], env: Record<string, string | undefined> = {}, input = ''): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, SWITCHBOARD_API_KEY: undefined, ...env };
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
  const child = spawn(process.execPath, ['--import', 'tsx', 'plugins/cli/src/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: childEnv,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => {
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('switchboard classify --server', () => {
  it('classifies through the HTTP API with the key from --api-key or SWITCHBOARD_API_KEY', async () => {
    const texts = Array.from(
      { length: 150 },
      (_, i) => ['sunny town', 'rainy morning', 'the weather'][i % 3]!,
    );
    const run = await cli(
      ['classify', '--server', api.url, '--api-key', KEYS.alice, '--model', FAST_MODEL, '--json'],
      {},
      `${texts.join('\n')}\n`,
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { text: string; label: string });
    expect(lines.map((l) => l.text)).toEqual(texts);
    expect(lines.map((l) => l.label)).toEqual(texts.map(cueLabel));
    const fromEnv = await cli(['classify', '--server', api.url, '--model', FAST_MODEL, 'rainy'], {
      SWITCHBOARD_API_KEY: KEYS.bob,
    });
    expect(fromEnv.status).toBe(0);
    expect(fromEnv.stdout).toMatch(/^negative /);
  });

  it('exits 2 for a refused key or an unknown model, 4 for an unreachable server', async () => {
    const refused = await cli(['classify', '--server', api.url, '--model', FAST_MODEL, 'sunny']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('refused the API key');
    expect(refused.stderr).toContain('SWITCHBOARD_API_KEY');
    const unknown = await cli([
      'classify',
      '--server',
      api.url,
      '--api-key',
      KEYS.alice,
      '--model',
      'nope',
      'x',
    ]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Unknown model "nope"');
    const down = await cli([
      'classify',
      '--server',
      `http://127.0.0.1:${await freePort()}`,
      '--model',
      FAST_MODEL,
      '--timeout',
      '3000',
      'sunny',
    ]);
    expect(down.status).toBe(4);
    expect(down.stderr).toContain('Cannot reach Switchboard');
    const both = await cli(['classify', '--server', api.url, '--queue', 'sunny']);
    expect(both.status).toBe(2);
  });
});

describe('switchboard models --server', () => {
  it("lists the server's models as a table and as JSON", async () => {
    const table = await cli(['models', '--server', api.url, '--api-key', KEYS.alice]);
    expect(table.status).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME +LABELS +VERSION +ENCODER +SIZE +DESCRIPTION$/);
    expect(table.stdout).toMatch(
      new RegExp(`^${FAST_MODEL} +negative, neutral, positive +1\\.0\\.0 +featurizer`, 'm'),
    );
    const json = await cli(['models', '--server', api.url, '--json'], { SWITCHBOARD_API_KEY: KEYS.alice });
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ name: FAST_MODEL, status: 'ok', encoder: 'featurizer', version: '1.0.0' }),
    ]);
    const refused = await cli(['models', '--server', api.url]);
    expect(refused.status).toBe(2);
  });
});
