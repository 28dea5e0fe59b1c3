/**
 * Entry point of the Discord service: `node plugins/discord/dist/discord-main.js`, or
 * started by `switchboard start` when DISCORD_TOKEN and DISCORD_APPLICATION_ID are set.
 */
import { runChannel } from '@switchboard/channel';
import { createDiscordLogger } from './discord-logger.js';
import { DiscordPlugin } from './discord-plugin.js';
import { type DiscordSettings, discordSettingsFromEnv } from './discord-settings.js';
import { explainStartFailure } from './start-failure.js';

let settings: DiscordSettings;
try {
  settings = discordSettingsFromEnv();
} catch (err) {
  console.error(`switchboard discord: ${(err as Error).message}`);
  process.exit(2);
}
const plugin = new DiscordPlugin(settings, createDiscordLogger(settings.logLevel));
await runChannel(plugin.runtime, explainStartFailure);
