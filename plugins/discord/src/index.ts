/**
 * `@switchboard/plugin-discord`: the Discord bot. Start it with `discord-main.ts`; register its
 * commands with `register-commands.ts`.
 * @packageDocumentation
 */
export { CLASSIFY_COMMAND, CLASSIFY_MESSAGE_COMMAND, classifyCommands } from './command-definitions.js';
export { DiscordDeliverer, type DiscordDelivererOptions, INTERACTION_TOKEN_MS } from './discord-deliverer.js';
export { DiscordPlugin, type DiscordPluginStatus } from './discord-plugin.js';
export {
  DISCORD_ENV,
  type DiscordSettings,
  DiscordSettingsSchema,
  discordSettingsFromEnv,
} from './discord-settings.js';
export { parseMention } from './mention-parser.js';
export { type ReplyTarget, ReplyTargetSchema } from './reply-target.js';
export { scoreBar } from './score-bar.js';
export {
  type AlertRule,
  type GuildWatch,
  readWatchConfig,
  resolveWatchConfig,
  type WatchConfig,
  WatchConfigSchema,
  type WatchList,
} from './watch-config.js';
