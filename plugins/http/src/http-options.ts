import {
  DEFAULT_FEEDBACK_MAX_AGE_DAYS,
  DEFAULT_FEEDBACK_MAX_RECORDS,
  DEFAULT_QUEUE_PREFIX,
  DEFAULT_REDIS_URL,
  modelsDir,
  optionsFromEnv,
} from '@switchboard/core';
import { z } from 'zod';

const int = (min: number) => z.coerce.number().int().min(min);

/** Everything the HTTP API can be told, each with its environment variable and default. */
export const HttpOptionsSchema = z.object({
  /** `HTTP_HOST`: interface to bind; loopback by default so nothing is exposed by accident. */
  host: z.string().min(1).default('127.0.0.1'),
  /** `HTTP_PORT`; 0 picks a free port. */
  port: int(0).max(65_535).default(8080),
  /** `REDIS_URL` */
  redisUrl: z.string().default(DEFAULT_REDIS_URL),
  /** `SWITCHBOARD_QUEUE_PREFIX` */
  prefix: z.string().min(1).default(DEFAULT_QUEUE_PREFIX),
  /** `SWITCHBOARD_MODELS`: the model repository, read for names and labels (never loaded). */
  modelsDir: z.string().default(modelsDir()),
  /** `HTTP_API_KEYS`: comma-separated `key` or `name:key` entries. */
  apiKeys: z.string().default(''),
  /** `HTTP_RATE_LIMIT`: requests per minute per key. */
  rateLimitPerMinute: int(1).default(600),
  /** `HTTP_MAX_QUEUE_DEPTH`: unfinished jobs at which new requests get 429. */
  maxQueueDepth: int(1).default(5_000),
  /** `HTTP_WAIT_TIMEOUT_MS`: how long a request waits for its result before answering 202. */
  waitTimeoutMs: int(0).default(10_000),
  /** `HTTP_BODY_LIMIT_BYTES` */
  bodyLimitBytes: int(1_024).default(1_048_576),
  /** `SWITCHBOARD_DEFAULT_MODEL`: the model of `/v1/classify` when the request names none. */
  defaultModel: z.string().min(1).default('sentiment'),
  /** `HTTP_PREDICT_MODEL`: the one model `/predict` serves, as TEI serves one model. */
  predictModel: z.string().min(1).default('sentiment'),
  /** `HTTP_WEBHOOK_SECRET`: `whsec_...` signing secret of callbacks (keys may have their own). */
  webhookSecret: z.string().default(''),
  /** `HTTP_WEBHOOK_ALLOWED_ORIGINS`: comma-separated origins callbacks may go to; empty: any https. */
  webhookAllowedOrigins: z.string().default(''),
  /** `HTTP_WEBHOOK_MAX_AGE_MS`: no callback attempt starts later than this after the request. */
  webhookMaxAgeMs: int(1_000).default(86_400_000),
  /** `HTTP_WEBHOOK_MAX_ATTEMPTS`: tries per callback, the first included. */
  webhookMaxAttempts: int(1).max(1_000).default(30),
  /** `HTTP_WEBHOOK_BACKOFF_MS`: first retry delay of a callback, doubled each time (at most an hour). */
  webhookBackoffMs: int(1).max(3_600_000).default(1_000),
  /** `HTTP_WEBHOOK_TIMEOUT_MS`: longest wait for a receiver's answer. */
  webhookTimeoutMs: int(100).max(300_000).default(10_000),
  /** `HTTP_FEEDBACK_WINDOW_MS`: how long after a job finished its feedback is accepted. */
  feedbackWindowMs: int(1_000).default(604_800_000),
  /** `HTTP_FEEDBACK_KEEP_TEXT`: keep the rated text with HTTP feedback (`false` keeps none). */
  feedbackKeepText: z.enum(['true', 'false']).default('true'),
  /** `SWITCHBOARD_FEEDBACK_MAX_RECORDS`: most feedback records kept, all channels together. */
  feedbackMaxRecords: int(1).default(DEFAULT_FEEDBACK_MAX_RECORDS),
  /** `SWITCHBOARD_FEEDBACK_MAX_AGE_DAYS`: days a feedback record is kept. */
  feedbackMaxAgeDays: int(1).default(DEFAULT_FEEDBACK_MAX_AGE_DAYS),
  /** `SWITCHBOARD_FEEDBACK_SALT`: secret of person hashes; empty: one is made and kept in Redis. */
  feedbackSalt: z.string().default(''),
  /** `LOG_LEVEL` */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Parsed HTTP options. */
export type HttpOptions = z.infer<typeof HttpOptionsSchema>;

/** The environment variable of each option. */
export const HTTP_ENV: Record<keyof HttpOptions, string> = {
  host: 'HTTP_HOST',
  port: 'HTTP_PORT',
  redisUrl: 'REDIS_URL',
  prefix: 'SWITCHBOARD_QUEUE_PREFIX',
  modelsDir: 'SWITCHBOARD_MODELS',
  apiKeys: 'HTTP_API_KEYS',
  rateLimitPerMinute: 'HTTP_RATE_LIMIT',
  maxQueueDepth: 'HTTP_MAX_QUEUE_DEPTH',
  waitTimeoutMs: 'HTTP_WAIT_TIMEOUT_MS',
  bodyLimitBytes: 'HTTP_BODY_LIMIT_BYTES',
  defaultModel: 'SWITCHBOARD_DEFAULT_MODEL',
  predictModel: 'HTTP_PREDICT_MODEL',
  webhookSecret: 'HTTP_WEBHOOK_SECRET',
  webhookAllowedOrigins: 'HTTP_WEBHOOK_ALLOWED_ORIGINS',
  webhookMaxAgeMs: 'HTTP_WEBHOOK_MAX_AGE_MS',
  webhookMaxAttempts: 'HTTP_WEBHOOK_MAX_ATTEMPTS',
  webhookBackoffMs: 'HTTP_WEBHOOK_BACKOFF_MS',
  webhookTimeoutMs: 'HTTP_WEBHOOK_TIMEOUT_MS',
  feedbackWindowMs: 'HTTP_FEEDBACK_WINDOW_MS',
  feedbackKeepText: 'HTTP_FEEDBACK_KEEP_TEXT',
  feedbackMaxRecords: 'SWITCHBOARD_FEEDBACK_MAX_RECORDS',
  feedbackMaxAgeDays: 'SWITCHBOARD_FEEDBACK_MAX_AGE_DAYS',
  feedbackSalt: 'SWITCHBOARD_FEEDBACK_SALT',
  logLevel: 'LOG_LEVEL',
};

/** Reads the options from the environment; a bad value throws an Error naming its variable. */
export function httpOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): HttpOptions {
  return optionsFromEnv(HttpOptionsSchema, HTTP_ENV, env);
}

/** Fills in defaults and checks the options given in code; a bad value throws naming the option. */
export function parseHttpOptions(
  input: Partial<Record<keyof HttpOptions, unknown>>,
  nameOf: (key: keyof HttpOptions) => string = (key) => key,
): HttpOptions {
  const parsed = HttpOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path[0] as keyof HttpOptions;
    throw new Error(`${nameOf(key)}: ${issue.message}`);
  }
  return parsed.data;
}
