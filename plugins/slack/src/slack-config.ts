import { type ChannelCommonOptions, channelOptionsFromEnv } from '@switchboard/channel';
import { z } from 'zod';

/** The model used when a command names none and `SWITCHBOARD_DEFAULT_MODEL` is unset (as in the CLI). */
export const DEFAULT_SLACK_MODEL = 'sentiment';

/** Who sees a slash command's answer: only the person who asked, or everyone in the channel. */
export type ResponseVisibility = 'ephemeral' | 'in_channel';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** The Slack plugin's own variables (the common ones are read by channelOptionsFromEnv). */
const SlackShape = {
  botToken: z.string(),
  signingSecret: z.string().min(1).optional(),
  appToken: z.string().startsWith('xapp-', 'must be an app-level token (xapp-...)').optional(),
  socketMode: flag.optional(),
  port: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65_535).default(3_000),
  host: z.string().min(1).optional(),
  apiUrl: z.url('must be a URL such as https://slack.com/api/').optional(),
  responseVisibility: z.enum(['ephemeral', 'in_channel']).default('ephemeral'),
  command: z
    .string()
    .regex(/^\/[a-z0-9_-]+$/, 'must look like /classify')
    .default('/classify'),
  shortcutCallbackId: z.string().min(1).default('classify_message'),
  defaultModel: z.string().min(1).default(DEFAULT_SLACK_MODEL),
};

/** The variable of each Slack option. */
export const SLACK_ENV: Readonly<Record<keyof typeof SlackShape, string>> = {
  botToken: 'SLACK_BOT_TOKEN',
  signingSecret: 'SLACK_SIGNING_SECRET',
  appToken: 'SLACK_APP_TOKEN',
  socketMode: 'SLACK_SOCKET_MODE',
  port: 'SLACK_PORT',
  host: 'SLACK_HOST',
  apiUrl: 'SLACK_API_URL',
  responseVisibility: 'SLACK_RESPONSE_VISIBILITY',
  command: 'SLACK_COMMAND',
  shortcutCallbackId: 'SLACK_SHORTCUT_CALLBACK_ID',
  defaultModel: 'SWITCHBOARD_DEFAULT_MODEL',
};

/** How the app talks to Slack: an HTTP endpoint Slack calls, or a WebSocket the app opens. */
export type SlackConnection =
  | { mode: 'http'; signingSecret: string; port: number; host?: string }
  | { mode: 'socket'; appToken: string };

/** Everything the Slack plugin is configured with. */
export interface SlackConfig extends ChannelCommonOptions {
  /** `SLACK_BOT_TOKEN`: the bot token every Web API call uses. */
  readonly botToken: string;
  /** HTTP mode (`SLACK_SIGNING_SECRET`, `SLACK_PORT`, `SLACK_HOST`) or Socket Mode (`SLACK_APP_TOKEN`). */
  readonly connection: SlackConnection;
  /** `SLACK_API_URL`: another Web API base, e.g. a test double; Slack's own when unset. */
  readonly apiUrl?: string;
  /** `SLACK_RESPONSE_VISIBILITY`: who sees `/classify` answers. */
  readonly responseVisibility: ResponseVisibility;
  /** `SLACK_COMMAND`: the slash command as named in the app manifest. */
  readonly command: string;
  /** `SLACK_SHORTCUT_CALLBACK_ID`: callback id of the message shortcut in the manifest. */
  readonly shortcutCallbackId: string;
  /** `SWITCHBOARD_DEFAULT_MODEL`: the model used when a request names none. */
  readonly defaultModel: string;
}

/**
 * Reads and checks the plugin's configuration: the variables of {@link SLACK_ENV} and the channel
 * runtime's (`REDIS_URL`, `SWITCHBOARD_QUEUE_PREFIX`, `SWITCHBOARD_MODELS`, `LOG_LEVEL`,
 * `SLACK_USER_RATE_LIMIT`, `SLACK_HEALTH_PORT`, `SLACK_HEALTH_HOST`). Socket Mode is used when `SLACK_APP_TOKEN` is set
 * (unless `SLACK_SOCKET_MODE=false`), HTTP mode otherwise. Errors name the variable, never its value:
 * these are secrets.
 */
export function slackConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SlackConfig {
  const { signingSecret, appToken, socketMode, port, host, apiUrl, ...rest } = channelOptionsFromEnv(
    'slack',
    SlackShape,
    SLACK_ENV,
    env,
  );
  let connection: SlackConnection;
  if (socketMode ?? appToken !== undefined) {
    if (!appToken) {
      throw new Error(
        'SLACK_APP_TOKEN is required for Socket Mode (an app-level token with connections:write)',
      );
    }
    connection = { mode: 'socket', appToken };
  } else {
    if (!signingSecret) {
      throw new Error(
        'SLACK_SIGNING_SECRET is required in HTTP mode (Basic Information > Signing Secret); or set SLACK_APP_TOKEN for Socket Mode',
      );
    }
    connection = { mode: 'http', signingSecret, port, ...(host ? { host } : {}) };
  }
  return { ...rest, connection, ...(apiUrl ? { apiUrl } : {}) };
}
