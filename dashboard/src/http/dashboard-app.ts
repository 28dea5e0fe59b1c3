import type { Queue } from 'bullmq';
import { type Context, Hono } from 'hono';
import type { Redis } from 'ioredis';
import type { CredentialVerifier } from '../auth/credential-verifier.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { type SessionStore, SessionStoreUnavailableError } from '../auth/session-store.js';
import type { DashboardMetrics } from '../dashboard-metrics.js';
import { JOB_BOARD_PATH } from '../job-board.js';
import type { OverviewCollector } from '../overview/overview-collector.js';
import type { QueueRegistry } from '../overview/queue-registry.js';
import {
  ActionError,
  type ActionOutcome,
  cleanCompleted,
  pauseQueue,
  resumeQueue,
  retryAllFailed,
  retryJob,
} from '../queue-actions.js';
import type { Caller, DashboardEnv } from './dashboard-env.js';
import { addLoginRoutes } from './login-routes.js';
import { overviewPage } from './overview-page.js';
import { csrfProtection, identify, requireAdmin, requireLogin } from './request-guards.js';
import type { Asset } from './static-assets.js';
import type { TrustedProxies } from './trusted-proxies.js';

/** Everything the dashboard's HTTP app is made of. */
export interface DashboardAppParts {
  readonly redis: Redis;
  readonly registry: QueueRegistry;
  readonly collector: OverviewCollector;
  readonly metrics: DashboardMetrics;
  readonly sessions: SessionStore;
  readonly verifier: CredentialVerifier;
  readonly throttle: LoginThrottle;
  readonly assets: Map<string, Asset>;
  /** bull-board with actions, for admins. */
  readonly adminBoard: Hono;
  /** bull-board in read-only mode, for viewers. */
  readonly viewerBoard: Hono;
  readonly secureCookie: boolean;
  readonly tokenLogin: boolean;
  /** Proxies whose `X-Forwarded-For` is believed for the login throttle. */
  readonly trustedProxies: TrustedProxies;
  /** Origins the dashboard is reached at through a proxy (`DASHBOARD_PUBLIC_ORIGIN`); empty: the `Host`. */
  readonly publicOrigins: readonly string[];
  /** Set in development mode: everyone is this caller. */
  readonly developer?: Caller;
  /** Told about logins and actions (who did what), never passwords. */
  readonly audit?: (event: Record<string, unknown>) => void;
}

// The page's own script and styles only; bull-board's UI brings its own and is not covered.
const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/**
 * The dashboard's routes: `/healthz` and `/metrics` open to all (for probes and Prometheus);
 * `/login`, `/logout`; the overview page and its JSON API; admin-only actions; bull-board at
 * `/queues` (read-only for viewers). Everything but the first two and the assets needs a login.
 */
export function dashboardApp(p: DashboardAppParts): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const route = c.req.routePath || 'unmatched';
    c.header('X-Frame-Options', 'DENY');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    p.metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) });
    p.metrics.duration.observe({ method: c.req.method, route }, (performance.now() - started) / 1_000);
  });

  app.get('/healthz', (c) =>
    c.json({ status: 'ok', redis: p.redis.status === 'ready' ? 'connected' : p.redis.status }),
  );
  app.get('/metrics', async (c) =>
    c.body(await p.metrics.registry.metrics(), 200, { 'Content-Type': p.metrics.registry.contentType }),
  );
  app.get('/assets/:name', (c) => {
    const asset = p.assets.get(c.req.param('name'));
    if (!asset) return c.text('Not found', 404);
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': asset.type,
      'Cache-Control': 'no-cache',
    });
  });

  app.use(
    '*',
    identify({
      sessions: p.sessions,
      verifier: p.verifier,
      ...(p.developer ? { developer: p.developer } : {}),
    }),
  );
  addLoginRoutes(app, {
    sessions: p.sessions,
    verifier: p.verifier,
    throttle: p.throttle,
    metrics: p.metrics,
    secureCookie: p.secureCookie,
    tokenLogin: p.tokenLogin,
    trustedProxies: p.trustedProxies,
    publicOrigins: p.publicOrigins,
    devMode: p.developer !== undefined,
    onLogin: (e) => p.audit?.({ event: 'login', ...e }),
  });

  app.use('*', requireLogin());

  app.get('/', (c) => {
    c.header('Content-Security-Policy', PAGE_CSP);
    c.header('Cache-Control', 'no-store');
    return c.html(overviewPage(c.get('caller')!, p.developer !== undefined));
  });

  app.get('/api/session', (c) => {
    const caller = c.get('caller')!;
    return c.json({
      user: caller.user,
      role: caller.role,
      via: caller.via,
      csrfToken: caller.csrfToken ?? null,
      devMode: p.developer !== undefined,
    });
  });

  app.get('/api/overview', async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await p.collector.snapshot());
  });

  const act = (run: (queue: Queue, id?: string) => Promise<ActionOutcome>) =>
    [
      requireAdmin(),
      csrfProtection(true, p.publicOrigins),
      async (c: Context<DashboardEnv>) => {
        const name = c.req.param('queue') ?? '';
        const queue = p.registry.get(name);
        if (!queue) {
          return c.json(
            { error: 'not_found', message: `No queue "${name}" under prefix ${p.registry.prefix}.` },
            404,
          );
        }
        try {
          const outcome = await run(queue, c.req.param('id'));
          p.collector.invalidate();
          p.audit?.({ event: 'action', user: c.get('caller')?.user, ...outcome });
          return c.json(outcome);
        } catch (err) {
          if (err instanceof ActionError)
            return c.json({ error: 'refused', message: err.message }, err.status);
          throw err;
        }
      },
    ] as const;

  app.post('/api/queues/:queue/pause', ...act((q) => pauseQueue(q)));
  app.post('/api/queues/:queue/resume', ...act((q) => resumeQueue(q)));
  app.post('/api/queues/:queue/retry-failed', ...act((q) => retryAllFailed(q)));
  app.post('/api/queues/:queue/clean-completed', ...act((q) => cleanCompleted(q)));
  app.post('/api/queues/:queue/jobs/:id/retry', ...act((q, id) => retryJob(q, id ?? '')));

  // bull-board: viewers get the read-only board and can send it nothing but reads.
  app.use(JOB_BOARD_PATH, csrfProtection(false, p.publicOrigins));
  app.use(`${JOB_BOARD_PATH}/*`, csrfProtection(false, p.publicOrigins));
  const board = async (c: Context<DashboardEnv>) => {
    // bull-board's entry route is the bare mount path; its pages link there.
    if (c.req.path === `${JOB_BOARD_PATH}/`) return c.redirect(JOB_BOARD_PATH, 302);
    const caller = c.get('caller')!;
    const reading = ['GET', 'HEAD'].includes(c.req.method);
    if (caller.role !== 'admin') {
      if (!reading)
        return c.json({ error: 'forbidden', message: 'Viewers cannot change jobs or queues.' }, 403);
      return p.viewerBoard.fetch(c.req.raw);
    }
    if (!reading)
      p.audit?.({ event: 'job-board', user: caller.user, method: c.req.method, path: c.req.path });
    const res = await p.adminBoard.fetch(c.req.raw);
    if (!reading) p.collector.invalidate();
    return res;
  };
  app.all(JOB_BOARD_PATH, board);
  app.all(`${JOB_BOARD_PATH}/*`, board);

  app.onError((err, c) => {
    if (err instanceof SessionStoreUnavailableError) {
      return c.json(
        { error: 'redis_unavailable', message: `The dashboard cannot reach Redis: ${err.message}` },
        503,
      );
    }
    p.audit?.({ event: 'error', path: c.req.path, message: err.message });
    return c.json({ error: 'internal', message: `The dashboard failed to answer: ${err.message}` }, 500);
  });

  return app;
}
