import {
  connectRedis,
  DEFAULT_QUEUE_PREFIX,
  DEFAULT_REDIS_URL,
  FeedbackStore,
  queuePrefix,
  type RedisClient,
} from '@switchboard/core';

/** Where the CLI finds Switchboard's Redis: the same variables the services read. */
export interface RedisTarget {
  readonly redisUrl: string;
  /** The queue prefix as keys use it (`{tagged}` on a cluster). */
  readonly prefix: string;
}

/** `REDIS_URL` and `SWITCHBOARD_QUEUE_PREFIX` of `env`, with the services' defaults. */
export function redisTarget(env: NodeJS.ProcessEnv = process.env): RedisTarget {
  const redisUrl = env.REDIS_URL || DEFAULT_REDIS_URL;
  return {
    redisUrl,
    prefix: queuePrefix(env.SWITCHBOARD_QUEUE_PREFIX || DEFAULT_QUEUE_PREFIX, redisUrl, env),
  };
}

/**
 * Opens the feedback store the services write, runs `use` and disconnects.
 * @throws SwitchboardError `queue_unavailable` when Redis does not answer
 */
export async function withFeedbackStore<T>(
  use: (store: FeedbackStore, redis: RedisClient) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const { redisUrl, prefix } = redisTarget(env);
  const redis = await connectRedis(redisUrl, 'producer');
  try {
    const maxAgeDays = Number(env.SWITCHBOARD_FEEDBACK_MAX_AGE_DAYS);
    const store = new FeedbackStore(redis, {
      prefix,
      ...(maxAgeDays > 0 ? { maxAgeDays } : {}),
    });
    return await use(store, redis);
  } finally {
    redis.disconnect();
  }
}
