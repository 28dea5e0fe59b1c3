import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import { type Logger, pino } from 'pino';

// Slack tokens (xoxb-, xoxp-, xapp-...) and response_url paths (they authorise posting) can end up
// in error messages and in Bolt's own log lines: none of them may reach a log.
const SECRET_PATTERNS: readonly [RegExp, string][] = [
  [/\bx(?:ox[abposer]|app)-[A-Za-z0-9-]+/g, '[redacted token]'],
  [/(https:\/\/hooks\.slack\.com\/)[^\s"']+/g, '$1[redacted]'],
];

/** Replaces anything that looks like a Slack token or a response URL. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * The plugin's pino logger: token fields are redacted by path, and every string argument is scrubbed
 * so that a token inside a message (an upstream error, a URL) is not written either.
 */
export function createSlackLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'slack', pid: process.pid },
      redact: {
        paths: ['token', '*.token', 'botToken', 'appToken', 'signingSecret', '*.headers.authorization'],
        censor: '[redacted]',
      },
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : scrubObject(a)));
          method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

function scrubObject(value: unknown): unknown {
  if (value instanceof Error) return { err: scrubSecrets(value.message) };
  if (!value || typeof value !== 'object') return value;
  try {
    return JSON.parse(scrubSecrets(JSON.stringify(value)));
  } catch {
    // Circular or unserialisable: log its shape rather than risk writing a secret.
    return { unloggable: Object.prototype.toString.call(value) };
  }
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
