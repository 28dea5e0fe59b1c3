/**
 * Entry point of the Telegram service: `node plugins/telegram/dist/telegram-main.js`, or started
 * by `switchboard start` when TELEGRAM_BOT_TOKEN is set.
 */
import { runChannel } from '@switchboard/channel';
import { explainStartFailure } from './start-failure.js';
import { createTelegramLogger } from './telegram-logger.js';
import { TelegramPlugin } from './telegram-plugin.js';
import { type TelegramSettings, telegramSettingsFromEnv } from './telegram-settings.js';

let settings: TelegramSettings;
try {
  settings = telegramSettingsFromEnv();
} catch (err) {
  console.error(`switchboard telegram: ${(err as Error).message}`);
  process.exit(2);
}
const plugin = new TelegramPlugin(settings, createTelegramLogger(settings.logLevel), {
  // Updates stopped for good (token revoked, another copy polling): exit so the supervisor restarts us.
  onFatal: (err) => {
    console.error(`switchboard telegram: ${explainStartFailure(err)}`);
    void plugin.close().finally(() => process.exit(1));
  },
});
await runChannel(plugin.runtime, explainStartFailure);
