import { createChannelLogger, type SecretPattern } from '@switchboard/channel';
import type { Logger, pino } from 'pino';
import { DISCORD_REPLY_TARGET } from './reply-target.js';

// Interaction tokens travel inside webhook and callback URLs (an upstream error may quote one),
// and bot tokens are three dot-separated base64url parts.
const SECRET_PATTERNS: readonly SecretPattern[] = [
  [/(\/(?:webhooks|interactions)\/\d+\/)[A-Za-z0-9_.-]{20,}/g, '$1[redacted]'],
  [/\b[A-Za-z0-9_-]{24,}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}\b/g, '[redacted token]'],
];

/**
 * The plugin's logger: the channel logger with Discord's secrets, so that tokens and interaction
 * tokens are replaced wherever they appear.
 */
export function createDiscordLogger(level: string, destination?: pino.DestinationStream): Logger {
  return createChannelLogger({
    channel: 'discord',
    level,
    secretFields: [...DISCORD_REPLY_TARGET.secretFields, 'token'],
    secretPatterns: SECRET_PATTERNS,
    ...(destination ? { destination } : {}),
  });
}
