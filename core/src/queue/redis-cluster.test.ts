import { describe, expect, it } from 'vitest';
import { clusterNodes, queuePrefix } from './redis-cluster.js';
import { redactRedisUrl } from './redis-connection.js';

describe('Redis Cluster configuration', () => {
  it('reads the seed nodes from REDIS_CLUSTER_NODES or a redis-cluster:// URL, and none otherwise', () => {
    expect(clusterNodes('redis://10.0.0.1:6379', {})).toBeUndefined();
    expect(clusterNodes('redis://10.0.0.1:6379', { REDIS_CLUSTER_NODES: 'a:7000, b:7001' })).toEqual([
      { host: 'a', port: 7000 },
      { host: 'b', port: 7001 },
    ]);
    expect(clusterNodes('rediss-cluster://u:p@a:7000,b/0', {})).toEqual([
      { host: 'a', port: 7000 },
      { host: 'b', port: 6379 },
    ]);
    expect(() => clusterNodes('redis://x', { REDIS_CLUSTER_NODES: 'a:notaport' })).toThrow(/a:notaport/);
  });

  it('hash-tags the queue prefix on a cluster only, once', () => {
    const cluster = { REDIS_CLUSTER_NODES: 'a:7000' };
    expect(queuePrefix('switchboard', 'redis://a:7000', {})).toBe('switchboard');
    expect(queuePrefix('switchboard', 'redis://a:7000', cluster)).toBe('{switchboard}');
    expect(queuePrefix('{switchboard}', 'redis://a:7000', cluster)).toBe('{switchboard}');
    expect(queuePrefix('tenant-{a}', 'redis://a:7000', cluster)).toBe('tenant-{a}');
  });

  it('never prints a cluster password', () => {
    expect(redactRedisUrl('redis-cluster://admin:s3cret@a:7000,b:7001')).toBe(
      'redis-cluster://admin:***@a:7000,b:7001',
    );
    expect(redactRedisUrl('redis://:s3cret@a:6379')).not.toContain('s3cret');
  });
});
