import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import { createChannelLogger, type SecretPattern, scrubText } from '@switchboard/channel';
import type { Logger, pino } from 'pino';
import { SLACK_REPLY_TARGET } from './reply-target.js';

// Slack tokens (xoxb-, xoxp-, xapp-...) and response_url paths (they authorise posting) can end up
// in error messages and in Bolt's own log lines: none of them may reach a log.
const SECRET_PATTERNS: readonly SecretPattern[] = [
  [/\bx(?:ox[abposer]|app)-[A-Za-z0-9-]+/g, '[redacted token]'],
  [/(https:\/\/hooks\.slack\.com\/)[^\s"']+/g, '$1[redacted]'],
];

/** Replaces anything that looks like a Slack token or a response URL. */
export function scrubSecrets(text: string): string {
  return scrubText(text, SECRET_PATTERNS);
}

/**
 * The plugin's logger: the channel logger with Slack's secrets, so that tokens and response URLs
 * are replaced wherever they appear (fields, upstream error messages, Bolt's lines).
 */
export function createSlackLogger(level: string, destination?: pino.DestinationStream): Logger {
  return createChannelLogger({
    channel: 'slack',
    level,
    secretFields: SLACK_REPLY_TARGET.secretFields,
    secretPatterns: SECRET_PATTERNS,
    ...(destination ? { destination } : {}),
  });
}

const BOLT_LEVELS: Readonly<Record<string, LogLevel>> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
};

/** Bolt's logger interface over pino, so Bolt's lines are scrubbed and formatted like ours. */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  const text = (msgs: unknown[]) => msgs.map((m) => (m instanceof Error ? m.message : String(m))).join(' ');
  return {
    debug: (...msgs) => child.debug(text(msgs)),
    info: (...msgs) => child.info(text(msgs)),
    warn: (...msgs) => child.warn(text(msgs)),
    error: (...msgs) => child.error(text(msgs)),
    // The level is set once through LOG_LEVEL; Bolt calling these must not change it.
    setLevel: () => {},
    getLevel: () => BOLT_LEVELS[child.level] ?? LogLevel.ERROR,
    setName: () => {},
  };
}
