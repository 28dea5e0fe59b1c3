import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The Prometheus metrics of one HTTP API process. */
export class HttpMetrics {
  /** Registry served at `/metrics`. */
  readonly registry = new Registry();
  /** Answers by route pattern, method and status. */
  readonly requests = new Counter({
    name: 'switchboard_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  /** Time to answer, by route pattern and method. */
  readonly latency = new Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'Time from request to answer, by route pattern and method.',
    labelNames: ['route', 'method'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /**
   * @param depth asked at every scrape; it throws while Redis is down, and the gauge is then NaN
   * @param labels labels on every series, `{ service: 'http' }` by default
   */
  constructor(depth: () => Promise<number>, labels: Record<string, string> = { service: 'http' }) {
    this.registry.setDefaultLabels(labels);
    new Gauge({
      name: 'switchboard_queue_depth',
      help: 'Classification jobs not finished yet (waiting, active, delayed), read at scrape time; NaN while Redis is unreachable.',
      registers: [this.registry],
      async collect() {
        try {
          this.set(await depth());
        } catch {
          // 0 would claim an empty queue; NaN says "unknown" and Prometheus stores it as such.
          this.set(Number.NaN);
        }
      },
    });
    // Node's standard names (process_cpu_seconds_total, nodejs_eventloop_lag_seconds...), which
    // stock dashboards and alerts expect; the `service` label tells the processes apart.
    collectDefaultMetrics({ register: this.registry });
  }

  /** Middleware that counts and times every request under its route pattern (never its raw path). */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const start = performance.now();
      try {
        await next();
      } finally {
        // The handler is the last matched route that is not a middleware (`ALL`); unmatched paths
        // share one label so that scanners cannot blow up the label set.
        const handler = matchedRoutes(c).findLast((r) => r.method !== 'ALL');
        const route = handler?.path ?? 'unmatched';
        const method = c.req.method;
        this.requests.inc({ route, method, status: String(c.res.status) });
        this.latency.observe({ route, method }, (performance.now() - start) / 1_000);
      }
    };
  }
}
