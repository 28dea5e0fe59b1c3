import { randomBytes } from 'node:crypto';
import { type ServerType, serve } from '@hono/node-server';
import { redisOptions } from '@switchboard/core';
import { Redis } from 'ioredis';
import { CredentialVerifier } from './auth/credential-verifier.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { SessionStore } from './auth/session-store.js';
import { hasNoCredentials } from './auth/user-config.js';
import { DashboardMetrics } from './dashboard-metrics.js';
import { type DashboardOptions, isLoopbackHost } from './dashboard-options.js';
import { dashboardApp } from './http/dashboard-app.js';
import type { Caller } from './http/dashboard-env.js';
import { loadAssets } from './http/static-assets.js';
import { TrustedProxies } from './http/trusted-proxies.js';
import { jobBoard } from './job-board.js';
import { OverviewCollector } from './overview/overview-collector.js';
import { QueueRegistry } from './overview/queue-registry.js';

/** How long start() waits for Redis before serving anyway. */
const REDIS_GRACE_MS = 2_000;

function waitForReady(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    redis.once('ready', done);
  });
}

/**
 * Whether the session cookie gets `Secure`. `auto`: behind a proxy, as its public origins are
 * (HTTPS or not); otherwise unless the dashboard listens on loopback.
 */
function secureCookie(
  setting: 'auto' | 'true' | 'false',
  loopback: boolean,
  publicOrigins: readonly string[],
): boolean {
  if (setting !== 'auto') return setting === 'true';
  if (publicOrigins.length > 0) return publicOrigins.every((origin) => origin.startsWith('https:'));
  return !loopback;
}

/** Where a started dashboard listens. */
export interface DashboardAddress {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  /** True when it runs without credentials (loopback only). */
  readonly devMode: boolean;
}

/** Where the dashboard reports logins, actions and problems (a pino logger fits). */
export interface DashboardLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/**
 * The ops dashboard: one Redis connection, the queues under the prefix, the overview collector,
 * two bull-board instances (admin and read-only) and the HTTP server. Refuses to start on a
 * non-loopback address without credentials.
 */
export class Dashboard {
  private server: ServerType | undefined;
  private redis: Redis | undefined;
  private registry: QueueRegistry | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly options: DashboardOptions,
    private readonly log?: DashboardLog,
  ) {}

  /**
   * Starts serving. Redis need not be up: the page says it is not connected and recovers by
   * itself when Redis comes back.
   * @throws Error when credentials are missing on a non-loopback address, or the port is taken
   */
  async start(): Promise<DashboardAddress> {
    const o = this.options;
    const loopback = isLoopbackHost(o.host);
    const devMode = hasNoCredentials(o.credentials);
    if (devMode && !loopback) {
      throw new Error(
        `The dashboard would listen on ${o.host} without any login. Set DASHBOARD_USERS (name:password:role,...), ` +
          'DASHBOARD_ADMIN_PASSWORD / DASHBOARD_VIEWER_PASSWORD or DASHBOARD_TOKEN, or listen on 127.0.0.1 for development.',
      );
    }
    const trustedProxies = new TrustedProxies(o.trustedProxies ?? []);
    const publicOrigins = o.publicOrigins ?? [];
    const verifier = await CredentialVerifier.create(o.credentials);
    const assets = await loadAssets();
    const redis = new Redis(o.redisUrl, redisOptions('producer'));
    // ioredis reports each failed reconnect as an event; the page shows the connection state instead.
    redis.on('error', () => {});
    this.redis = redis;
    // A moment for the connection, so the first page does not say "not connected" for nothing;
    // a Redis that is down does not stop the start (the page says so and recovers by itself).
    await waitForReady(redis, REDIS_GRACE_MS);
    const registry = new QueueRegistry(redis, o.prefix);
    this.registry = registry;
    const collector = new OverviewCollector(redis, o.redisUrl, registry, { sampleSize: o.latencySample });
    // Sessions and failed-login counts live in Redis, so any number of replicas share them.
    const sessions = new SessionStore({ redis, prefix: o.prefix });
    const metrics = new DashboardMetrics(
      () => collector.snapshot(),
      () => sessions.count(),
    );
    const developer: Caller | undefined = devMode
      ? {
          user: 'developer',
          role: 'admin',
          via: 'development',
          csrfToken: randomBytes(32).toString('base64url'),
        }
      : undefined;
    const app = dashboardApp({
      redis,
      registry,
      collector,
      metrics,
      sessions,
      verifier,
      throttle: new LoginThrottle({ redis, prefix: o.prefix }),
      assets,
      adminBoard: jobBoard(registry, false),
      viewerBoard: jobBoard(registry, true),
      secureCookie: secureCookie(o.secureCookie, loopback, publicOrigins),
      tokenLogin: o.credentials.token !== undefined,
      trustedProxies,
      publicOrigins,
      ...(developer ? { developer } : {}),
      audit: (event) => this.log?.info(event, String(event.event)),
    });
    const port = await new Promise<number>((resolve, reject) => {
      const server = serve({ fetch: app.fetch, port: o.port, hostname: o.host }, (info) =>
        resolve(info.port),
      );
      server.once('error', reject);
      this.server = server;
    });
    const shownHost = o.host.includes(':') ? `[${o.host}]` : o.host;
    if (devMode) {
      this.log?.warn(
        { host: o.host, port },
        'DEVELOPMENT MODE: no dashboard credentials configured; anyone who can reach this loopback address is an admin. Set DASHBOARD_USERS before exposing it.',
      );
    }
    return { host: o.host, port, url: `http://${shownHost}:${port}`, devMode };
  }

  /** Stops serving and closes the Redis connection. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const server = this.server;
      if (server) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // The page keeps connections alive between polls; don't wait for browsers to hang up.
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
      }
      await this.registry?.close();
      this.redis?.disconnect();
    })();
    return this.closing;
  }
}
