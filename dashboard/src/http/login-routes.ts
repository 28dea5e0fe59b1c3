import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { CredentialVerifier, Identity } from '../auth/credential-verifier.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import type { Session, SessionStore } from '../auth/session-store.js';
import type { DashboardMetrics } from '../dashboard-metrics.js';
import type { DashboardEnv } from './dashboard-env.js';
import { loginPage } from './login-page.js';
import { csrfProtection, isSameOrigin, SESSION_COOKIE } from './request-guards.js';
import type { TrustedProxies } from './trusted-proxies.js';

/** What the login routes need. */
export interface LoginRouteOptions {
  readonly sessions: SessionStore;
  readonly verifier: CredentialVerifier;
  readonly throttle: LoginThrottle;
  readonly metrics: DashboardMetrics;
  /** Send the cookie with Secure (HTTPS only). */
  readonly secureCookie: boolean;
  readonly tokenLogin: boolean;
  readonly devMode: boolean;
  /** Proxies whose `X-Forwarded-For` names the client address the throttle counts against. */
  readonly trustedProxies: TrustedProxies;
  /** `DASHBOARD_PUBLIC_ORIGIN`: the origins a login form may be posted from (else the `Host`). */
  readonly publicOrigins: readonly string[];
  /** Told about logins, never with the password. */
  readonly onLogin?: (event: { user: string; ok: boolean; address: string }) => void;
}

/** Only a path on this site may follow a login: anything else would make an open redirect. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\')
    ? next
    : '/';
}

/** The address failed logins are counted against (the TCP peer, or the client behind a trusted proxy). */
function clientAddress(c: Context, proxies: TrustedProxies): string {
  let peer = 'unknown';
  try {
    peer = getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // Not a Node socket (app.request in tests): only the header, if trusted, can say more.
  }
  return proxies.clientAddress(peer, c.req.header('x-forwarded-for'));
}

/** Adds `GET/POST /login` and `POST /logout`. */
export function addLoginRoutes(app: Hono<DashboardEnv>, o: LoginRouteOptions): void {
  const page = (c: Context, next: string, status: 200 | 401 | 403 | 429 | 503, error?: string) =>
    c.html(loginPage({ next, tokenLogin: o.tokenLogin, ...(error ? { error } : {}) }), status, {
      'Cache-Control': 'no-store',
    });

  app.get('/login', (c) => {
    const next = safeNext(c.req.query('next'));
    if (o.devMode || c.get('caller')) return c.redirect(next, 302);
    return page(c, next, 200);
  });

  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(form.next);
    // Login CSRF: a cross-site form must not sign the browser into someone else's session.
    if (!isSameOrigin(c, o.publicOrigins))
      return page(c, next, 403, 'This login did not come from the dashboard page; refused.');
    const address = clientAddress(c, o.trustedProxies);
    const unavailable = () => {
      c.header('Retry-After', '5');
      return page(c, next, 503, 'The dashboard cannot reach Redis right now; try again shortly.');
    };
    let wait: number;
    try {
      wait = await o.throttle.retryAfterMs(address);
    } catch {
      // Without the failure count, logging in would mean guessing without a limit: refuse.
      return unavailable();
    }
    if (wait > 0) {
      o.metrics.logins.inc({ outcome: 'throttled' });
      c.header('Retry-After', String(Math.ceil(wait / 1_000)));
      return page(
        c,
        next,
        429,
        `Too many failed logins; try again in ${Math.ceil(wait / 60_000)} minute(s).`,
      );
    }
    const user = typeof form.user === 'string' ? form.user.trim() : '';
    const password = typeof form.password === 'string' ? form.password : '';
    let identity: Identity | undefined;
    if (password) {
      identity =
        user === '' ? o.verifier.verifyToken(password) : await o.verifier.verifyPassword(user, password);
    }
    o.onLogin?.({ user: user || '(token)', ok: identity !== undefined, address });
    if (!identity) {
      o.metrics.logins.inc({ outcome: 'refused' });
      await o.throttle.fail(address).catch(() => {});
      return page(c, next, 401, 'Wrong user name or password.');
    }
    let session: Session;
    try {
      session = await o.sessions.create(identity);
    } catch {
      return unavailable();
    }
    o.metrics.logins.inc({ outcome: 'ok' });
    await o.throttle.succeed(address).catch(() => {});
    setCookie(c, SESSION_COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: o.secureCookie,
      path: '/',
    });
    return c.redirect(next, 303);
  });

  app.post('/logout', csrfProtection(true, o.publicOrigins), async (c) => {
    // A failure here must not look like a logout: the session would live on in Redis.
    await o.sessions.delete(c.get('caller')?.sessionId);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: o.secureCookie });
    return c.redirect('/login', 303);
  });
}
