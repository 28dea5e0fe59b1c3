/**
 * `@switchboard/plugin-discord`: the Discord bot. Start it with `discord-main.ts`; register its
 * commands with `register-commands.ts`.
 * @packageDocumentation
 */
export { CLASSIFY_COMMAND, CLASSIFY_MESSAGE_COMMAND, classifyCommands } from './command-definitions.js';
export { DISCORD_RENDERER, type DiscordAnswer } from './discord-answer.js';
export { DiscordChannel } from './discord-channel.js';
export { DiscordDeliverer, type DiscordDelivererOptions, INTERACTION_TOKEN_MS } from './discord-deliverer.js';
export { DiscordIngress, type DiscordIngressInfo } from './discord-ingress.js';
export { createDiscordLogger } from './discord-logger.js';
export { DiscordPlugin, type DiscordPluginStatus } from './discord-plugin.js';
export {
  DISCORD_ENV,
  type DiscordSettings,
  DiscordSettingsShape,
  discordSettingsFromEnv,
} from './discord-settings.js';
export { parseMention } from './mention-parser.js';
export { DISCORD_REPLY_TARGET, type ReplyTarget, ReplyTargetSchema } from './reply-target.js';
export {
  type AlertRule,
  type GuildWatch,
  readWatchConfig,
  resolveWatchConfig,
  type WatchConfig,
  WatchConfigSchema,
  type WatchList,
} from './watch-config.js';
