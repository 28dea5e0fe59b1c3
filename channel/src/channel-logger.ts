import { REDACTED } from '@switchboard/core';
import { type Logger, pino } from 'pino';

/** A pattern of secret text and what replaces it (`$1` keeps a group, e.g. a URL's host). */
export type SecretPattern = readonly [RegExp, string];

/** Options of {@link createChannelLogger}. */
export interface ChannelLoggerOptions {
  /** The channel, written as `service` on every line. */
  readonly channel: string;
  /** pino level (`LOG_LEVEL`). */
  readonly level: string;
  /** Field names whose values are never written, at any depth (tokens, the reply target's secrets). */
  readonly secretFields?: readonly string[];
  /** Secrets recognisable by their form (tokens inside an upstream error message, signed URLs). */
  readonly secretPatterns?: readonly SecretPattern[];
  /** Where lines go; stdout when unset. */
  readonly destination?: pino.DestinationStream;
}

/** Fields no channel ever logs, whatever it declares. */
const ALWAYS_SECRET = ['token', 'botToken', 'appToken', 'signingSecret', 'authorization', 'password'];

/** Replaces every match of `patterns` in `text`. */
export function scrubText(text: string, patterns: readonly SecretPattern[]): string {
  let out = text;
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  return out;
}

/**
 * The channel's pino logger. Secret fields are replaced wherever they sit in a logged object, and
 * every string (messages, error texts) is scrubbed of secret patterns, so that a token inside an
 * upstream error or a reply target logged whole is not written either.
 */
export function createChannelLogger(options: ChannelLoggerOptions): Logger {
  const fields = new Set([...ALWAYS_SECRET, ...(options.secretFields ?? [])]);
  const patterns = options.secretPatterns ?? [];
  const scrub = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return scrubText(value, patterns);
    if (value instanceof Error) return { err: scrubText(value.message, patterns) };
    if (!value || typeof value !== 'object' || depth > 16) return value;
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = fields.has(key) && v !== undefined ? REDACTED : scrub(v, depth + 1);
    }
    return out;
  };
  return pino(
    {
      level: options.level,
      base: { service: options.channel, pid: process.pid },
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a) => scrub(a, 0));
          method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}
