import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.js';
import { RedisServer } from '../helpers/redis-server.js';
import { createTestModels, type TestModels } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { call, startApi } from './http-stack.js';

let models: TestModels;

beforeAll(async () => {
  models = await createTestModels();
});

afterAll(async () => {
  await models?.remove();
});

describe('Redis unreachable', () => {
  it('starts anyway and answers 503 with Retry-After (readyz too) while nothing listens at REDIS_URL', async () => {
    const redisUrl = `redis://127.0.0.1:${await freePort()}`;
    const api = await startApi({ redisUrl, prefix: 't-http-nowhere', models });
    try {
      const classify = await call(api.url, 'POST', '/v1/classify', { body: { inputs: 'sunny' } });
      expect(classify.status).toBe(503);
      expect(classify.body.code).toBe('queue_unavailable');
      expect(classify.body.error).toContain(redisUrl);
      expect(Number(classify.headers.get('retry-after'))).toBeGreaterThan(0);
      const job = await call(api.url, 'GET', '/v1/jobs/http-0123');
      expect(job.status).toBe(503);
      const predict = await call(api.url, 'POST', '/predict', { body: { inputs: 'sunny' } });
      expect(predict.status).toBe(503);
      expect(predict.body.error_type).toBe('Unhealthy');
      // TEI's health route says so too.
      const health = await call(api.url, 'GET', '/health', { key: null });
      expect(health.status).toBe(503);
      expect(health.body.error_type).toBe('Unhealthy');
      const ready = await call(api.url, 'GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.code).toBe('queue_unavailable');
      // Liveness and metrics do not depend on Redis.
      expect((await call(api.url, 'GET', '/healthz')).status).toBe(200);
      const metrics = await call(api.url, 'GET', '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.body).toMatch(/^switchboard_queue_depth\{service="http"\} nan$/im);
    } finally {
      await api.close();
    }
  });

  it('fails fast while its Redis is stopped and recovers by itself when it is back', async () => {
    const redis = await RedisServer.start();
    const api = await startApi({ redisUrl: redis.url, prefix: 't-http-outage', models });
    try {
      const before = await call(api.url, 'POST', '/v1/classify', { body: { inputs: 'sunny', wait: false } });
      expect(before.status).toBe(202);
      await redis.stop();
      // call() gives up after 20 s: the point is an answer, and it must be a 503.
      const during = await call(api.url, 'POST', '/v1/classify', { body: { inputs: 'sunny', wait: false } });
      expect(during.status).toBe(503);
      expect(during.body.code).toBe('queue_unavailable');
      expect((await call(api.url, 'GET', '/readyz')).status).toBe(503);
      await redis.resume();
      await waitFor(async () => (await call(api.url, 'GET', '/readyz')).status === 200, {
        what: 'readyz after Redis came back',
      });
      const after = await call(api.url, 'POST', '/v1/classify', { body: { inputs: 'sunny', wait: false } });
      expect(after.status).toBe(202);
    } finally {
      await api.close();
      await redis.close();
    }
  });
});
