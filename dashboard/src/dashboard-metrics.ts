import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { OverviewSnapshot } from './overview/overview-collector.js';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/**
 * The dashboard's own Prometheus metrics: its HTTP traffic, and gauges of the queues it watches
 * (read from the same shared snapshot the page uses when Prometheus scrapes, so a scrape costs
 * Redis at most one snapshot).
 */
export class DashboardMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'switchboard_dashboard_http_requests_total',
    help: 'HTTP requests served by the dashboard, by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'switchboard_dashboard_http_request_duration_seconds',
    help: 'Time to answer a dashboard HTTP request.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly logins = new Counter({
    name: 'switchboard_dashboard_logins_total',
    help: 'Login attempts, by outcome (ok, refused, throttled).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /**
   * @param snapshot the shared overview snapshot
   * @param sessions live sessions over all replicas (read from Redis; rejects while it is down)
   * @param labels labels on every series, e.g. `{ service: 'dashboard' }` (the default)
   */
  constructor(
    snapshot: () => Promise<OverviewSnapshot>,
    sessions: () => Promise<number>,
    labels: Record<string, string> = { service: 'dashboard' },
  ) {
    this.registry.setDefaultLabels(labels);
    const registers = [this.registry];
    new Gauge({
      name: 'switchboard_queue_jobs',
      help: 'Jobs per queue and state, as the dashboard sees them.',
      labelNames: ['queue', 'state'] as const,
      registers,
      async collect() {
        this.reset();
        const snap = await snapshot().catch(() => undefined);
        for (const q of snap?.queues ?? []) {
          for (const state of STATES) this.set({ queue: q.name, state }, q.counts[state]);
        }
      },
    });
    new Gauge({
      name: 'switchboard_queue_paused',
      help: '1 when the queue is paused.',
      labelNames: ['queue'] as const,
      registers,
      async collect() {
        this.reset();
        const snap = await snapshot().catch(() => undefined);
        for (const q of snap?.queues ?? []) this.set({ queue: q.name }, q.paused ? 1 : 0);
      },
    });
    new Gauge({
      name: 'switchboard_workers_online',
      help: 'Worker processes with a live heartbeat.',
      registers,
      async collect() {
        const snap = await snapshot().catch(() => undefined);
        this.set(snap?.workers.length ?? 0);
      },
    });
    new Gauge({
      name: 'switchboard_dashboard_redis_connected',
      help: '1 while the dashboard is connected to Redis.',
      registers,
      async collect() {
        const snap = await snapshot().catch(() => undefined);
        this.set(snap?.redis.status === 'ready' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'switchboard_dashboard_sessions',
      help: 'Signed-in browser sessions, over all dashboard replicas (NaN while Redis is unreachable).',
      registers,
      async collect() {
        this.set(await sessions().catch(() => Number.NaN));
      },
    });
    // Node's standard names (process_cpu_seconds_total, nodejs_eventloop_lag_seconds...), which
    // stock dashboards and alerts expect; the `service` label tells the processes apart.
    collectDefaultMetrics({ register: this.registry });
  }
}
