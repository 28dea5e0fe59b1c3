import { Validator } from '@seriousme/openapi-schema-validator';
import { ApiKeyring, createApp, HttpMetrics, parseHttpOptions } from '@switchboard/plugin-http';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestModels, type TestModels } from '../helpers/test-models.js';
import { type Api, call, startApi } from './http-stack.js';

let models: TestModels;
let api: Api;

beforeAll(async () => {
  models = await createTestModels();
  // The documents and the page need no Redis and no worker.
  api = await startApi({ redisUrl: 'redis://127.0.0.1:1', prefix: 't-http-docs', models });
});

afterAll(async () => {
  await api?.close();
  await models?.remove();
});

/** Every route the app really serves, as `METHOD /openapi/{style}` strings. */
function servedRoutes(): string[] {
  // An app that is never started: a lazy Redis client that never connects is enough to build it.
  const redis = new Redis({ lazyConnect: true });
  const app = createApp({
    options: parseHttpOptions({}),
    keyring: ApiKeyring.parse(''),
    gateway: {} as never,
    feedback: {} as never,
    models: {} as never,
    metrics: new HttpMetrics(async () => 0),
    redis,
    ready: async () => {},
    log: pino({ level: 'silent' }),
  });
  redis.disconnect();
  return [
    ...new Set(
      app.routes
        .filter((r) => r.method !== 'ALL')
        .map((r) => `${r.method} ${r.path.replaceAll(/:([A-Za-z]+)/g, '{$1}')}`),
    ),
  ].sort();
}

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const res = await call(api.url, 'GET', '/openapi.json', { key: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(res.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents every route the server serves, and no other', async () => {
    const doc = (await call(api.url, 'GET', '/openapi.json', { key: null })).body;
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(servedRoutes());
    for (const route of [
      'POST /v1/classify',
      'GET /v1/jobs/{id}',
      'GET /v1/models',
      'POST /predict',
      'POST /',
      'POST /invocations',
      'GET /',
      'GET /health',
      'GET /ping',
      'GET /info',
      'POST /models/{model}',
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
      'GET /openapi.json',
      'GET /docs',
    ]) {
      expect(documented).toContain(route);
    }
  });

  it('describes the bodies with the same limits the server enforces, and the bearer scheme', async () => {
    const doc = (await call(api.url, 'GET', '/openapi.json', { key: null })).body;
    const request = doc.components.schemas.ClassifyRequest;
    expect(request.required).toEqual(['inputs']);
    expect(request.additionalProperties).toBe(false);
    const [one, many] = request.properties.inputs.anyOf;
    expect(one.maxLength).toBe(10_000);
    expect(many.maxItems).toBe(64);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const classify = doc.paths['/v1/classify'].post;
    expect(Object.keys(classify.responses).sort()).toEqual(
      ['200', '202', '400', '401', '404', '413', '422', '429', '503'].sort(),
    );
    expect(request.properties.callback_url.maxLength).toBe(2_048);
    const callback = classify.callbacks.jobFinished['{$request.body#/callback_url}'].post;
    expect(callback.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Job',
    });
    expect(callback.parameters.map((p: { name: string }) => p.name)).toEqual([
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ]);
    expect(doc.paths['/predict'].post.description).toContain('raw_scores');
    expect(doc.components.schemas.PredictRequest.properties.raw_scores.description).toContain(
      'log-probabilities',
    );
  });
});

describe('/docs', () => {
  it('serves an HTML page whose scripts and styles all come from this server', async () => {
    const res = await fetch(`${api.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<div id="swagger-ui">');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true);
      const file = await fetch(`${api.url}${asset}`);
      expect(file.status, asset).toBe(200);
      expect((await file.arrayBuffer()).byteLength, asset).toBeGreaterThan(0);
    }
    const init = await (await fetch(`${api.url}/docs/init.js`)).text();
    expect(init).toContain("url: '/openapi.json'");
    const bundle = await fetch(`${api.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    expect((await fetch(`${api.url}/docs/../package.json`)).status).toBe(404);
    expect((await fetch(`${api.url}/docs/index.html`)).status).toBe(404);
  });
});
