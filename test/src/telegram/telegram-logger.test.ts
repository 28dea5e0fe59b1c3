import { Writable } from 'node:stream';
import { createTelegramLogger, explainStartFailure } from '@switchboard/plugin-telegram';
import { GrammyError } from 'grammy';
import { expect, it } from 'vitest';
import { TOKEN } from './telegram-harness.js';

it('never writes the bot token, the webhook secret or a token inside a request URL', async () => {
  let written = '';
  const destination = new Writable({
    write(chunk, _encoding, done) {
      written += chunk.toString();
      done();
    },
  });
  const log = createTelegramLogger('debug', destination);
  log.error({ err: `request to https://api.telegram.org/bot${TOKEN}/sendMessage failed` }, 'delivery failed');
  log.info({ token: TOKEN, webhookSecret: 'hush-hush', settings: { secret_token: 'hush-hush' } }, 'settings');
  log.warn(new Error(`fetch failed for http://127.0.0.1:9/bot${TOKEN}/getMe`), 'start');
  await new Promise((resolve) => setImmediate(resolve));
  expect(written).toContain('/bot[redacted]/sendMessage');
  expect(written).not.toContain(TOKEN);
  expect(written).not.toContain(TOKEN.split(':')[1]);
  expect(written).not.toContain('hush-hush');
});

it('explains a refused token in terms of BotFather, and scrubs tokens from other start failures', () => {
  const refused = new GrammyError(
    "Call to 'getMe' failed!",
    { ok: false, error_code: 401, description: 'Unauthorized' },
    'getMe',
    {},
  );
  expect(explainStartFailure(refused)).toMatch(
    /^Telegram refused TELEGRAM_BOT_TOKEN \(401 Unauthorized\)\. Copy the token again from @BotFather/,
  );
  const network = new Error(`connect ECONNREFUSED for http://127.0.0.1:9/bot${TOKEN}/getMe`);
  expect(explainStartFailure(network)).toBe(
    'connect ECONNREFUSED for http://127.0.0.1:9/bot[redacted]/getMe',
  );
});
