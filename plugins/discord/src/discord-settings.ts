import { type ChannelCommonOptions, channelOptionsFromEnv } from '@switchboard/channel';
import { z } from 'zod';

const SNOWFLAKE = /^\d{15,21}$/;

const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** The Discord plugin's own settings, each with its variable (the common ones come from the channel runtime). */
export const DiscordSettingsShape = {
  /** `DISCORD_TOKEN`: the bot token (Developer Portal → Bot → Reset Token). Never logged. */
  token: z.string().min(1, 'is empty; copy the bot token from the Developer Portal (Bot → Reset Token)'),
  /** `DISCORD_APPLICATION_ID`: the application (client) id. */
  applicationId: z.string().regex(SNOWFLAKE, 'must be the numeric application id (General Information page)'),
  /** `DISCORD_API_URL`: REST base, e.g. `http://127.0.0.1:8080/api` for a local fake. */
  apiUrl: z.url({ message: 'must be a URL such as https://discord.com/api' }).optional(),
  /** `DISCORD_WATCH`: watched channels, JSON or the path of a JSON file; see watch-config.ts. */
  watch: z.string().optional(),
  /** `DISCORD_WATCH_THRESHOLD`: score at which a watched message is flagged, when nothing else says. */
  watchThreshold: z.coerce
    .number({ message: 'must be a number between 0 and 1' })
    .min(0, 'must be between 0 and 1')
    .max(1, 'must be between 0 and 1')
    .default(0.8),
  /** `DISCORD_WATCH_MODELS`: moderation models of guilds that name none. */
  watchModels: z
    .string()
    .default('toxicity,spam')
    .transform((s) =>
      s
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean),
    ),
  /** `DISCORD_DEFAULT_MODEL`: model of /classify without `model:`, mentions and the context menu. */
  defaultModel: z.string().min(1).default('sentiment'),
  /** `DISCORD_MESSAGE_CONTENT`: ask for the privileged MESSAGE_CONTENT intent. */
  messageContent: booleanText.default(true),
  /** `DISCORD_FLAG_EMOJI`: the reaction put on flagged messages. */
  flagEmoji: z.string().min(1).default('⚠️'),
};

/** Parsed plugin settings: the Discord ones and the channel runtime's common ones. */
export type DiscordSettings = z.output<z.ZodObject<typeof DiscordSettingsShape>> & ChannelCommonOptions;

/** The environment variable of each Discord setting. */
export const DISCORD_ENV: Readonly<Record<keyof typeof DiscordSettingsShape, string>> = {
  token: 'DISCORD_TOKEN',
  applicationId: 'DISCORD_APPLICATION_ID',
  apiUrl: 'DISCORD_API_URL',
  watch: 'DISCORD_WATCH',
  watchThreshold: 'DISCORD_WATCH_THRESHOLD',
  watchModels: 'DISCORD_WATCH_MODELS',
  defaultModel: 'DISCORD_DEFAULT_MODEL',
  messageContent: 'DISCORD_MESSAGE_CONTENT',
  flagEmoji: 'DISCORD_FLAG_EMOJI',
};

/**
 * Reads the settings from the environment (also `REDIS_URL`, `SWITCHBOARD_QUEUE_PREFIX`,
 * `SWITCHBOARD_MODELS`, `LOG_LEVEL`, `DISCORD_USER_RATE_LIMIT`, `DISCORD_HEALTH_PORT` and
 * `DISCORD_HEALTH_HOST`). A bad or missing value throws an error naming its variable (and never
 * echoing the token).
 */
export function discordSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): DiscordSettings {
  return channelOptionsFromEnv('discord', DiscordSettingsShape, DISCORD_ENV, env);
}
