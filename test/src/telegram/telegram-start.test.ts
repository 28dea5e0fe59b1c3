import { fork } from 'node:child_process';
import { entryExecArgv } from '@switchboard/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SERVICE_ENTRIES, ServiceProcess } from '../helpers/service-process.js';
import { REPO_ROOT } from '../helpers/worker-process.js';
import { FakeBotApi } from './fake-bot-api.js';
import { TOKEN } from './telegram-harness.js';

let fake: FakeBotApi;

beforeAll(async () => {
  fake = await FakeBotApi.start(TOKEN);
});

afterAll(async () => {
  await fake?.close();
});

/** Runs the service's entry to its exit; resolves with the code and what it wrote. */
function run(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const entry = SERVICE_ENTRIES.telegram!;
  const child = fork(entry, [], {
    cwd: REPO_ROOT,
    execArgv: entryExecArgv(entry),
    env: {
      ...process.env,
      TELEGRAM_PORT: '0',
      TELEGRAM_API_ROOT: fake.url,
      REDIS_URL: 'redis://127.0.0.1:1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

it('exits 1 with what to do when Telegram refuses the token, never printing it', async () => {
  const wrong = '987654321:AAwrongTokenwrongTokenwrongToken_1234';
  const { code, output } = await run({ TELEGRAM_BOT_TOKEN: wrong });
  expect(code).toBe(1);
  expect(output).toContain(
    'switchboard telegram: Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized). Copy the token again from @BotFather',
  );
  expect(output).not.toContain(wrong.split(':')[1]);
}, 60_000);

it('exits 2 naming the missing secret in webhook mode', async () => {
  const { code, output } = await run({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
  });
  expect(code).toBe(2);
  expect(output).toContain(
    'switchboard telegram: TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set',
  );
}, 60_000);

it('exits 1 when long polling stops for good after the start (another copy polls)', async () => {
  const service = await ServiceProcess.start('telegram', {
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: fake.url,
    TELEGRAM_PORT: '0',
    REDIS_URL: 'redis://127.0.0.1:1',
  });
  fake.failNext('getUpdates', {
    error_code: 409,
    description:
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
  });
  const exit = await service.exited;
  expect(exit.code).toBe(1);
  expect(service.output).toContain('switchboard telegram: Telegram answered 409 Conflict to getUpdates');
}, 60_000);
