import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/worker-process.js';
import { DiscordHarness, IDS } from './discord-harness.js';
import { call } from './fake-discord-rest.js';

const SCRIPT = fileURLToPath(new URL('../../../plugins/discord/dist/register-commands.js', import.meta.url));

let h: DiscordHarness;

beforeAll(async () => {
  h = await DiscordHarness.start();
});

afterAll(async () => {
  await h?.close();
});

/** Runs the script as a person would; resolves with its exit code and output. */
async function register(args: string[], env: Record<string, string> = h.env()) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [SCRIPT, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

it('registers /classify and "Classify message" in one guild, with model: autocompleted from the live list', async () => {
  const result = await register(['--guild', IDS.guild]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(
    `Registered /classify and “Classify message” in guild ${IDS.guild} (usable at once)`,
  );

  const put = await h.fake.rest.waitForCall(
    call('PUT', `/applications/${IDS.app}/guilds/${IDS.guild}/commands`),
  );
  expect(put.authorization).toBe('Bot test-bot-token');
  const [slash, menu] = put.body;
  expect(slash.name).toBe('classify');
  expect(slash.type).toBe(1);
  expect(slash.options.map((o: { name: string; required: boolean }) => [o.name, o.required])).toEqual([
    ['text', true],
    ['model', false],
    ['private', false],
  ]);
  // No fixed choices: a model added after registration is offered too (see discord-plugin.test.ts).
  expect(slash.options[1].autocomplete).toBe(true);
  expect(slash.options[1].choices).toBeUndefined();
  expect(menu).toEqual({ type: 3, name: 'Classify message' });
});

it('registers globally without --guild', async () => {
  const result = await register([]);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('globally');
  await h.fake.rest.waitForCall(call('PUT', `/applications/${IDS.app}/commands`));
});

it('refuses to register when the model repository holds no usable model', async () => {
  const empty = await mkdtemp(join(tmpdir(), 'switchboard-empty-models-'));
  try {
    const before = h.fake.rest.calls.length;
    const result = await register(['--guild', IDS.guild], h.env({ SWITCHBOARD_MODELS: empty }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`No usable model in ${empty}`);
    expect(h.fake.rest.calls.slice(before)).toEqual([]);
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});

it('rejects a --guild that is not an id', async () => {
  const result = await register(['--guild', 'my-server']);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('--guild my-server is not a guild id');
});
