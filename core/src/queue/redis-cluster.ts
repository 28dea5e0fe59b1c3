import type { ClusterNode } from 'ioredis';

/**
 * The seed nodes of a Redis Cluster when the configuration names one, else `undefined` (one
 * server). A cluster is named by `REDIS_CLUSTER_NODES` (`host:port,host:port,...`; credentials and
 * TLS still come from the URL) or by a URL of the form `redis-cluster://[user:pass@]host:port,host:port`
 * (`rediss-cluster://` for TLS).
 */
export function clusterNodes(url: string, env: NodeJS.ProcessEnv = process.env): ClusterNode[] | undefined {
  const listed = env.REDIS_CLUSTER_NODES?.trim();
  const match = /^rediss?-cluster:\/\/(?:[^@/]*@)?([^/?#]+)/.exec(url);
  const list = listed || match?.[1];
  if (!list) return undefined;
  return list.split(',').map((entry) => {
    const part = entry.trim();
    const colon = part.lastIndexOf(':');
    const host = colon > 0 ? part.slice(0, colon).replace(/^\[|\]$/g, '') : part;
    const port = colon > 0 ? Number(part.slice(colon + 1)) : 6379;
    if (!host || !Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new Error(
        `Redis Cluster node "${part}" is not host:port (REDIS_CLUSTER_NODES or a redis-cluster:// URL).`,
      );
    }
    return { host, port };
  });
}

/**
 * The queue key prefix as BullMQ needs it. On a Redis Cluster every key of a queue must hash to one
 * slot, so a prefix without a `{hash tag}` is wrapped in one (`switchboard` becomes `{switchboard}`);
 * on one server the prefix is used as it is. Idempotent.
 */
export function queuePrefix(prefix: string, url: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!clusterNodes(url, env) || /\{[^}]+\}/.test(prefix)) return prefix;
  return `{${prefix}}`;
}

/** Credentials and TLS of a redis-cluster:// URL (its host list is not a URL host). */
export function clusterAuth(url: string): { username?: string; password?: string; tls?: object } {
  const tls = url.startsWith('rediss-cluster://');
  const userinfo = /^rediss?-cluster:\/\/([^@/]*)@/.exec(url)?.[1];
  const [user, pass] = userinfo ? [userinfo.split(':')[0]!, userinfo.split(':').slice(1).join(':')] : [];
  return {
    ...(user ? { username: decodeURIComponent(user) } : {}),
    ...(pass ? { password: decodeURIComponent(pass) } : {}),
    ...(tls ? { tls: {} } : {}),
  };
}
