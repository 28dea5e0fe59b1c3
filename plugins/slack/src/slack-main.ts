/**
 * Entry point of the Slack service (`pnpm switchboard start` runs it when SLACK_BOT_TOKEN and a
 * signing secret or app token are set; `npm start` in this folder runs it alone).
 */
import { runChannel } from '@switchboard/channel';
import { type SlackConfig, slackConfigFromEnv } from './slack-config.js';
import { createSlackLogger } from './slack-logger.js';
import { SlackPlugin } from './slack-plugin.js';

let config: SlackConfig;
try {
  config = slackConfigFromEnv();
} catch (err) {
  console.error(`switchboard slack: ${(err as Error).message}`);
  process.exit(2);
}
await runChannel(new SlackPlugin(config, createSlackLogger(config.logLevel)).runtime);
