import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cueLabel } from '../helpers/cue-model.js';
import { freePort } from '../helpers/free-port.js';
import { type CliRun, runCli } from '../helpers/run-cli.js';
import { FAST_MODEL } from '../helpers/test-models.js';
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

/** The real CLI, with no API key from the surrounding environment. */
function cli(args: string[], env: Record<string, string | undefined> = {}, input = ''): Promise<CliRun> {
  return runCli(args, { SWITCHBOARD_API_KEY: undefined, ...env }, input);
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
