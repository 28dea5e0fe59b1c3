import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ErrorSchema } from '../api-schemas.js';
import type { AppEnv } from '../app-env.js';
import type { HttpMetrics } from '../http-metrics.js';

/** What `/readyz` asks: throws (with a sentence saying why) when the API cannot take work. */
export type ReadinessCheck = () => Promise<void>;

const StatusSchema = z.object({ status: z.string() }).openapi('Status');

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness',
  description: 'The process is up. No key needed.',
  tags: ['operations'],
  responses: { 200: { description: 'Alive.', content: { 'application/json': { schema: StatusSchema } } } },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness',
  description: 'Redis answers, so requests can be enqueued. No key needed.',
  tags: ['operations'],
  responses: {
    200: { description: 'Ready.', content: { 'application/json': { schema: StatusSchema } } },
    503: { description: 'Redis unreachable.', content: { 'application/json': { schema: ErrorSchema } } },
  },
});

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  summary: 'Prometheus metrics',
  description:
    'Requests by route and status, latency histogram, queue depth and process metrics, in the Prometheus text format. No key needed.',
  tags: ['operations'],
  responses: {
    200: { description: 'Metrics.', content: { 'text/plain': { schema: z.string() } } },
  },
});

/** Registers `/healthz`, `/readyz` and `/metrics`. */
export function registerOpsRoutes(
  app: OpenAPIHono<AppEnv>,
  metrics: HttpMetrics,
  ready: ReadinessCheck,
): void {
  app.openapi(healthRoute, (c) => c.json({ status: 'ok' }, 200));
  app.openapi(readyRoute, async (c) => {
    try {
      await ready();
      return c.json({ status: 'ready' }, 200);
    } catch (err) {
      return c.json({ error: (err as Error).message, code: 'queue_unavailable' }, 503);
    }
  });
  app.openapi(metricsRoute, async (c) =>
    c.text(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType }),
  );
}
