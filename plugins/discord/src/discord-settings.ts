import { DEFAULT_QUEUE_PREFIX, DEFAULT_REDIS_URL, modelsDir, optionsFromEnv } from '@switchboard/core';
import { z } from 'zod';

const SNOWFLAKE = /^\d{15,21}$/;

const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Everything the Discord plugin is told through its environment, each with its variable. */
export const DiscordSettingsSchema = z.object({
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
  /** `REDIS_URL` */
  redisUrl: z.string().default(DEFAULT_REDIS_URL),
  /** `SWITCHBOARD_QUEUE_PREFIX` */
  prefix: z.string().min(1).default(DEFAULT_QUEUE_PREFIX),
  /** `SWITCHBOARD_MODELS`: the model repository (read for names and labels only). */
  modelsDir: z.string().default(modelsDir()),
  /** `LOG_LEVEL` */
  logLevel: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});

/** Parsed plugin settings. */
export type DiscordSettings = z.infer<typeof DiscordSettingsSchema>;

/** The environment variable of each setting. */
export const DISCORD_ENV: Readonly<Record<keyof DiscordSettings, string>> = {
  token: 'DISCORD_TOKEN',
  applicationId: 'DISCORD_APPLICATION_ID',
  apiUrl: 'DISCORD_API_URL',
  watch: 'DISCORD_WATCH',
  watchThreshold: 'DISCORD_WATCH_THRESHOLD',
  watchModels: 'DISCORD_WATCH_MODELS',
  defaultModel: 'DISCORD_DEFAULT_MODEL',
  messageContent: 'DISCORD_MESSAGE_CONTENT',
  flagEmoji: 'DISCORD_FLAG_EMOJI',
  redisUrl: 'REDIS_URL',
  prefix: 'SWITCHBOARD_QUEUE_PREFIX',
  modelsDir: 'SWITCHBOARD_MODELS',
  logLevel: 'LOG_LEVEL',
};

/**
 * Reads the settings from the environment. A bad or missing value throws an error naming its
 * variable (and never echoing the token).
 */
export function discordSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): DiscordSettings {
  return optionsFromEnv(DiscordSettingsSchema, DISCORD_ENV, env);
}
