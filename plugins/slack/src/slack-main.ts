/**
 * Entry point of the Slack service (`pnpm switchboard start` runs it when SLACK_BOT_TOKEN and a
 * signing secret or app token are set; `npm start` in this folder runs it alone).
 */
import { announceReady, stopOnSignals } from '@switchboard/core';
import { slackConfigFromEnv } from './slack-config.js';
import { createSlackLogger } from './slack-logger.js';
import { SlackPlugin } from './slack-plugin.js';

let config: ReturnType<typeof slackConfigFromEnv>;
try {
  config = slackConfigFromEnv();
} catch (err) {
  console.error(`switchboard slack: ${(err as Error).message}`);
  process.exit(2);
}
const log = createSlackLogger(config.logLevel);
const plugin = new SlackPlugin(config, log);

stopOnSignals(() => plugin.close(), log, 'deliveries in flight');

try {
  const info = await plugin.start();
  announceReady({ ...(info.url ? { url: info.url } : {}), detail: info.detail });
} catch (err) {
  log.fatal({ err: (err as Error).message }, 'Slack app failed to start');
  await plugin.close();
  process.exit(1);
}
