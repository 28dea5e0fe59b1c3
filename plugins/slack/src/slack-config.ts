import { DEFAULT_QUEUE_PREFIX, DEFAULT_REDIS_URL, modelsDir } from '@switchboard/core';
import { z } from 'zod';

/** The model used when a command names none and `SWITCHBOARD_DEFAULT_MODEL` is unset (as in the CLI). */
export const DEFAULT_SLACK_MODEL = 'sentiment';

/** Who sees a slash command's answer: only the person who asked, or everyone in the channel. */
export type ResponseVisibility = 'ephemeral' | 'in_channel';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** The environment variables of the Slack plugin, as read (before the mode is worked out). */
const SlackEnvSchema = z.object({
  SLACK_BOT_TOKEN: z.string({ error: 'is required (the Bot User OAuth Token, xoxb-...)' }),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'must be an app-level token (xapp-...)').optional(),
  SLACK_SOCKET_MODE: flag.optional(),
  SLACK_PORT: z.coerce.number().int().min(0).max(65_535).default(3_000),
  SLACK_HOST: z.string().min(1).optional(),
  SLACK_API_URL: z.url('must be a URL such as https://slack.com/api/').optional(),
  SLACK_RESPONSE_VISIBILITY: z.enum(['ephemeral', 'in_channel']).default('ephemeral'),
  SLACK_USER_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
  SLACK_COMMAND: z
    .string()
    .regex(/^\/[a-z0-9_-]+$/, 'must look like /classify')
    .default('/classify'),
  SLACK_SHORTCUT_CALLBACK_ID: z.string().min(1).default('classify_message'),
  REDIS_URL: z.string().min(1).default(DEFAULT_REDIS_URL),
  SWITCHBOARD_QUEUE_PREFIX: z.string().min(1).default(DEFAULT_QUEUE_PREFIX),
  SWITCHBOARD_MODELS: z.string().min(1).optional(),
  SWITCHBOARD_DEFAULT_MODEL: z.string().min(1).default(DEFAULT_SLACK_MODEL),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** How the app talks to Slack: an HTTP endpoint Slack calls, or a WebSocket the app opens. */
export type SlackConnection =
  | { mode: 'http'; signingSecret: string; port: number; host?: string }
  | { mode: 'socket'; appToken: string };

/** Everything the Slack plugin is configured with. */
export interface SlackConfig {
  /** `SLACK_BOT_TOKEN`: the bot token every Web API call uses. */
  botToken: string;
  /** HTTP mode (`SLACK_SIGNING_SECRET`, `SLACK_PORT`, `SLACK_HOST`) or Socket Mode (`SLACK_APP_TOKEN`). */
  connection: SlackConnection;
  /** `SLACK_API_URL`: another Web API base, e.g. a test double; Slack's own when unset. */
  apiUrl?: string;
  /** `SLACK_RESPONSE_VISIBILITY`: who sees `/classify` answers. */
  responseVisibility: ResponseVisibility;
  /** `SLACK_USER_RATE_LIMIT`: classifications one person may ask for per minute. */
  userRateLimit: number;
  /** `SLACK_COMMAND`: the slash command as named in the app manifest. */
  command: string;
  /** `SLACK_SHORTCUT_CALLBACK_ID`: callback id of the message shortcut in the manifest. */
  shortcutCallbackId: string;
  /** `REDIS_URL` */
  redisUrl: string;
  /** `SWITCHBOARD_QUEUE_PREFIX` */
  prefix: string;
  /** `SWITCHBOARD_MODELS`: the model repository the names are checked against. */
  modelsDir: string;
  /** `SWITCHBOARD_DEFAULT_MODEL`: the model used when a request names none. */
  defaultModel: string;
  /** `LOG_LEVEL` */
  logLevel: z.infer<typeof SlackEnvSchema>['LOG_LEVEL'];
}

/**
 * Reads and checks the plugin's configuration. Socket Mode is used when `SLACK_APP_TOKEN` is set
 * (unless `SLACK_SOCKET_MODE=false`), HTTP mode otherwise. Errors name the variable, never its value:
 * these are secrets.
 */
export function slackConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SlackConfig {
  const raw = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = SlackEnvSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${String(issue.path[0])} ${issue.message}`);
  }
  const e = parsed.data;
  const socket = e.SLACK_SOCKET_MODE ?? e.SLACK_APP_TOKEN !== undefined;
  let connection: SlackConnection;
  if (socket) {
    if (!e.SLACK_APP_TOKEN) {
      throw new Error(
        'SLACK_APP_TOKEN is required for Socket Mode (an app-level token with connections:write)',
      );
    }
    connection = { mode: 'socket', appToken: e.SLACK_APP_TOKEN };
  } else {
    if (!e.SLACK_SIGNING_SECRET) {
      throw new Error(
        'SLACK_SIGNING_SECRET is required in HTTP mode (Basic Information > Signing Secret); or set SLACK_APP_TOKEN for Socket Mode',
      );
    }
    connection = {
      mode: 'http',
      signingSecret: e.SLACK_SIGNING_SECRET,
      port: e.SLACK_PORT,
      ...(e.SLACK_HOST ? { host: e.SLACK_HOST } : {}),
    };
  }
  return {
    botToken: e.SLACK_BOT_TOKEN,
    connection,
    ...(e.SLACK_API_URL ? { apiUrl: e.SLACK_API_URL } : {}),
    responseVisibility: e.SLACK_RESPONSE_VISIBILITY,
    userRateLimit: e.SLACK_USER_RATE_LIMIT,
    command: e.SLACK_COMMAND,
    shortcutCallbackId: e.SLACK_SHORTCUT_CALLBACK_ID,
    redisUrl: e.REDIS_URL,
    prefix: e.SWITCHBOARD_QUEUE_PREFIX,
    modelsDir: modelsDir({ SWITCHBOARD_MODELS: e.SWITCHBOARD_MODELS }),
    defaultModel: e.SWITCHBOARD_DEFAULT_MODEL,
    logLevel: e.LOG_LEVEL,
  };
}
