import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { SwitchboardError } from '../errors.js';
import { clusterAuth, clusterNodes } from './redis-cluster.js';

/** A connection to one Redis server or to a Redis Cluster; both speak the same commands. */
export type RedisClient = Redis | Cluster;

/** Where Redis is when nothing is configured. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * `producer`: fails fast while Redis is down (a chat platform's 3-second deadline must be met with
 * an error rather than a hang) but keeps reconnecting in the background.
 * `consumer`: blocking commands, retries for ever (BullMQ workers require `maxRetriesPerRequest: null`).
 */
export type RedisRole = 'producer' | 'consumer';

/** Reconnect delay: quick at first, then every 2 s, for ever. */
function retryStrategy(times: number): number {
  return Math.min(50 * 2 ** Math.min(times, 6), 2_000);
}

/** ioredis options for a role; BullMQ duplicates connections from these. */
export function redisOptions(role: RedisRole): RedisOptions {
  return role === 'producer'
    ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, retryStrategy }
    : { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy };
}

/**
 * A client for a role, to one server or to the cluster the configuration names (see
 * {@link clusterNodes}). Nothing is sent before `connect()` when `lazyConnect` is set.
 */
export function createRedis(
  url: string,
  role: RedisRole,
  { lazyConnect = false, env = process.env }: { lazyConnect?: boolean; env?: NodeJS.ProcessEnv } = {},
): RedisClient {
  const nodes = clusterNodes(url, env);
  if (!nodes) return new Redis(url, { ...redisOptions(role), lazyConnect });
  const options = redisOptions(role);
  const auth =
    url.startsWith('redis-cluster://') || url.startsWith('rediss-cluster://')
      ? clusterAuth(url)
      : authOf(url);
  return new Cluster(nodes, {
    redisOptions: { ...options, ...auth },
    lazyConnect,
    enableOfflineQueue: options.enableOfflineQueue ?? true,
    enableReadyCheck: true,
    clusterRetryStrategy: retryStrategy,
  });
}

/**
 * What BullMQ's Queue, Worker and QueueEvents connect with for a role: connection options for one
 * server (BullMQ opens and closes its own connections from them), or a cluster client, which BullMQ
 * duplicates for its blocking connection but does not close: `release()` does.
 */
export function bullConnection(
  url: string,
  role: RedisRole,
  env: NodeJS.ProcessEnv = process.env,
): { connection: ConnectionOptions; release: () => void } {
  if (!clusterNodes(url, env)) {
    return { connection: { ...redisOptions(role), ...connectionFromUrl(url) }, release: () => {} };
  }
  const cluster = createRedis(url, role, { env });
  cluster.on('error', () => {});
  return { connection: cluster, release: () => cluster.disconnect() };
}

/** ioredis connection fields from a redis:// URL (BullMQ takes options, not URLs, for duplicates). */
export function connectionFromUrl(url: string): {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: object;
} {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...authOf(url),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
  };
}

/** Credentials and TLS of a redis:// or rediss:// URL. */
function authOf(url: string): { username?: string; password?: string; tls?: object } {
  const u = new URL(url);
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** The URL with any password replaced, safe to print and log. */
export function redactRedisUrl(url: string): string {
  try {
    const cluster = /^(rediss?-cluster:\/\/)(?:([^:@/]*)(?::[^@/]*)?@)?(.*)$/.exec(url);
    if (cluster) return `${cluster[1]}${cluster[2] !== undefined ? `${cluster[2]}:***@` : ''}${cluster[3]}`;
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable REDIS_URL>';
  }
}

/**
 * Opens a connection and waits until Redis answers, at most `timeoutMs`.
 * @throws SwitchboardError `queue_unavailable` saying where Redis was looked for
 */
export async function connectRedis(url: string, role: RedisRole, timeoutMs = 3_000): Promise<RedisClient> {
  const redis = createRedis(url, role, { lazyConnect: true });
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash.
  redis.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return redis;
  } catch (err) {
    redis.disconnect();
    throw unavailable(url, err);
  } finally {
    clearTimeout(timer);
  }
}

/** The error every producer raises when Redis cannot be reached. */
export function unavailable(url: string, cause: unknown): SwitchboardError {
  const reason = (cause as Error)?.message ?? String(cause);
  return new SwitchboardError(
    'queue_unavailable',
    `The job queue is temporarily unavailable (Redis at ${redactRedisUrl(url)}: ${reason}).`,
    { cause },
  );
}

/** True for the errors ioredis raises when the connection is down rather than for a bad command. */
export function isConnectionError(err: unknown): boolean {
  const msg = String((err as Error)?.message ?? '');
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  return (
    /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|MaxRetriesPerRequest|enableOfflineQueue/i.test(
      msg,
    ) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code)
  );
}
