import { type ChannelCommonOptions, channelOptionsFromEnv } from '@switchboard/channel';
import { z } from 'zod';

/** Telegram's `secret_token`: 1-256 characters of A-Z, a-z, 0-9, `_` and `-`. */
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

/** The Telegram plugin's own settings, each with its variable (the common ones come from the channel runtime). */
export const TelegramSettingsShape = {
  /** `TELEGRAM_BOT_TOKEN`: the token BotFather gave. Never logged. */
  token: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]+$/, 'must be the token BotFather gave, such as 123456789:AAE...'),
  /** `TELEGRAM_API_ROOT`: Bot API base; a self-hosted Bot API server or a test double. */
  apiRoot: z
    .url({ message: 'must be a URL such as https://api.telegram.org' })
    .default('https://api.telegram.org'),
  /** `TELEGRAM_WEBHOOK_URL`: the public HTTPS URL Telegram posts updates to; turns on webhook mode. */
  webhookUrl: z.url({ message: 'must be a URL such as https://bot.example.com/telegram/webhook' }).optional(),
  /** `TELEGRAM_WEBHOOK_SECRET`: what Telegram sends in `X-Telegram-Bot-Api-Secret-Token`. Never logged. */
  webhookSecret: z
    .string()
    .regex(SECRET_TOKEN, "must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's secret_token rules)")
    .optional(),
  /** `TELEGRAM_PORT`: the port of `/telegram/webhook`, `/healthz`, `/readyz` and `/metrics`. */
  healthPort: z.coerce
    .number({ message: 'must be a port number' })
    .int('must be a port number')
    .min(0, 'must be a port number')
    .max(65_535, 'must be a port number')
    .default(3002),
  /** `TELEGRAM_HOST`: the address that port listens on. Default loopback (`0.0.0.0` in containers). */
  healthHost: z.string().min(1).default('127.0.0.1'),
  /** `TELEGRAM_WATCH`: watched chats, JSON or the path of a JSON file; see watch-config.ts. */
  watch: z.string().optional(),
  /** `TELEGRAM_DEFAULT_MODEL`: the model of `/classify` when the text names none. */
  defaultModel: z.string().min(1).default('sentiment'),
};

/** Parsed plugin settings: the Telegram ones and the channel runtime's common ones. */
export type TelegramSettings = z.output<z.ZodObject<typeof TelegramSettingsShape>> &
  ChannelCommonOptions & { readonly healthPort: number };

/** The environment variable of each Telegram setting. */
export const TELEGRAM_ENV: Readonly<Record<keyof typeof TelegramSettingsShape, string>> = {
  token: 'TELEGRAM_BOT_TOKEN',
  apiRoot: 'TELEGRAM_API_ROOT',
  webhookUrl: 'TELEGRAM_WEBHOOK_URL',
  webhookSecret: 'TELEGRAM_WEBHOOK_SECRET',
  healthPort: 'TELEGRAM_PORT',
  healthHost: 'TELEGRAM_HOST',
  watch: 'TELEGRAM_WATCH',
  defaultModel: 'TELEGRAM_DEFAULT_MODEL',
};

/**
 * Reads the settings from the environment (also `REDIS_URL`, `SWITCHBOARD_QUEUE_PREFIX`,
 * `SWITCHBOARD_MODELS`, `LOG_LEVEL` and `TELEGRAM_USER_RATE_LIMIT`). A bad or missing value throws
 * an error naming its variable, never echoing the token.
 * @throws Error also when `TELEGRAM_WEBHOOK_URL` is set without `TELEGRAM_WEBHOOK_SECRET`
 */
export function telegramSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TelegramSettings {
  const settings = channelOptionsFromEnv('telegram', TelegramSettingsShape, TELEGRAM_ENV, env);
  if (settings.webhookUrl && !settings.webhookSecret) {
    throw new Error(
      'TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set: Telegram sends it with every update, and updates without it are refused',
    );
  }
  return settings as TelegramSettings;
}
