import { DEFAULT_QUEUE_PREFIX, DEFAULT_REDIS_URL, modelsDir, optionsFromEnv } from '@switchboard/core';
import { z } from 'zod';

/** The options every channel reads from its environment, whatever else it reads. */
export interface ChannelCommonOptions {
  /** `REDIS_URL` */
  readonly redisUrl: string;
  /** `SWITCHBOARD_QUEUE_PREFIX` */
  readonly prefix: string;
  /** `SWITCHBOARD_MODELS`: the model repository (read for names and labels only). */
  readonly modelsDir: string;
  /** `LOG_LEVEL` */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `<CHANNEL>_USER_RATE_LIMIT`: classifications one person may ask for per minute. Default 20. */
  readonly userRateLimit: number;
  /** `<CHANNEL>_HEALTH_PORT`: port of `/healthz`, `/readyz` and `/metrics`; unset serves none of its own. */
  readonly healthPort?: number;
  /** `<CHANNEL>_HEALTH_HOST`: address that port listens on. Default all interfaces. */
  readonly healthHost?: string;
}

const CommonShape = {
  redisUrl: z.string().min(1).default(DEFAULT_REDIS_URL),
  prefix: z.string().min(1).default(DEFAULT_QUEUE_PREFIX),
  modelsDir: z
    .string()
    .min(1)
    .optional()
    .transform((dir) => modelsDir(dir ? { SWITCHBOARD_MODELS: dir } : {})),
  logLevel: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  userRateLimit: z.coerce.number({ message: 'must be a whole number' }).int().min(1).default(20),
  healthPort: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65_535).optional(),
  healthHost: z.string().min(1).optional(),
};

/** The variable of each common option for `channel` (`slack` → `SLACK_USER_RATE_LIMIT`...). */
export function commonChannelEnv(channel: string): Record<keyof ChannelCommonOptions, string> {
  const upper = channel.toUpperCase().replaceAll('-', '_');
  return {
    redisUrl: 'REDIS_URL',
    prefix: 'SWITCHBOARD_QUEUE_PREFIX',
    modelsDir: 'SWITCHBOARD_MODELS',
    logLevel: 'LOG_LEVEL',
    userRateLimit: `${upper}_USER_RATE_LIMIT`,
    healthPort: `${upper}_HEALTH_PORT`,
    healthHost: `${upper}_HEALTH_HOST`,
  };
}

/**
 * Reads a channel's options: its own `shape` (each key read from the variable `names` gives it)
 * plus the {@link ChannelCommonOptions}. Empty variables count as unset; a bad value throws an
 * Error naming the variable and never echoing its value (many are secrets).
 */
export function channelOptionsFromEnv<Shape extends z.ZodRawShape>(
  channel: string,
  shape: Shape,
  names: Readonly<Record<keyof Shape, string>>,
  env: NodeJS.ProcessEnv = process.env,
): z.output<z.ZodObject<Shape>> & ChannelCommonOptions {
  const schema = z.object({ ...CommonShape, ...shape });
  const all: Record<string, string> = { ...commonChannelEnv(channel), ...names };
  return optionsFromEnv(schema, all, env) as z.output<z.ZodObject<Shape>> & ChannelCommonOptions;
}
