import { createChannelLogger, type SecretPattern } from '@switchboard/channel';
import type { Logger, pino } from 'pino';
import { TELEGRAM_REPLY_TARGET } from './reply-target.js';

// grammY's errors quote the request URL, `<apiRoot>/bot<token>/<method>`: the token is in it.
const SECRET_PATTERNS: readonly SecretPattern[] = [
  [/\/bot\d+:[A-Za-z0-9_-]+/g, '/bot[redacted]'],
  [/\b\d{5,}:[A-Za-z0-9_-]{30,}\b/g, '[redacted token]'],
];

/**
 * The plugin's logger: the channel logger with Telegram's secrets, so that the bot token and the
 * webhook secret are replaced wherever they appear.
 */
export function createTelegramLogger(level: string, destination?: pino.DestinationStream): Logger {
  return createChannelLogger({
    channel: 'telegram',
    level,
    secretFields: [...TELEGRAM_REPLY_TARGET.secretFields, 'token', 'webhookSecret', 'secret_token'],
    secretPatterns: SECRET_PATTERNS,
    ...(destination ? { destination } : {}),
  });
}
