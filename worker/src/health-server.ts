import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';

/** What the health server asks its owner. */
export interface HealthSource {
  /** Prometheus registry to expose at `/metrics`. */
  readonly registry: Registry;
  /** Ready to take jobs: models loaded and Redis connected. */
  ready(): boolean;
}

/** Serves `/metrics`, `/healthz` (alive) and `/readyz` (taking jobs) for one process. */
export class HealthServer {
  private server: ServerType | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly source: HealthSource) {}

  /** Listens; resolves to the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number> {
    const app = new Hono();
    app.get('/healthz', (c) => c.json({ status: 'ok' }));
    app.get('/readyz', (c) =>
      this.source.ready() ? c.json({ status: 'ready' }) : c.json({ status: 'not ready' }, 503),
    );
    app.get('/metrics', async (c) =>
      c.body(await this.source.registry.metrics(), 200, { 'Content-Type': this.source.registry.contentType }),
    );
    return new Promise((resolve, reject) => {
      const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => resolve(info.port));
      server.once('error', reject);
      this.server = server;
    });
  }

  /** Stops listening. Safe to call more than once. */
  close(): Promise<void> {
    const server = this.server;
    this.closing ??= new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
    return this.closing;
  }
}
