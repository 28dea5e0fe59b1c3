/**
 * Entry point of the Discord service: `node --import tsx plugins/discord/src/discord-main.ts`, or
 * started by `switchboard start` when DISCORD_TOKEN and DISCORD_APPLICATION_ID are set.
 */
import { announceReady, stopOnSignals } from '@switchboard/core';
import { pino } from 'pino';
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

const log = pino({
  level: settings.logLevel,
  base: { service: 'discord', pid: process.pid },
  // Belt and braces: nothing logs tokens, and if something ever did they would not be written.
  redact: { paths: ['token', '*.token', 'interactionToken', '*.interactionToken'], censor: '[redacted]' },
});
const plugin = new DiscordPlugin(settings, log);

stopOnSignals(() => plugin.close(), log, 'replies in flight');

try {
  const status = await plugin.start();
  announceReady({
    detail: `bot ${status.user} in ${status.guilds} guild(s), ${status.watchedGuilds} watched`,
    user: status.user,
  });
} catch (err) {
  log.fatal({ err: explainStartFailure(err) }, 'Discord plugin failed to start');
  console.error(`switchboard discord: ${explainStartFailure(err)}`);
  await plugin.close();
  process.exit(1);
}
