import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { CredentialVerifier, Identity } from '../auth/credential-verifier.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import type { SessionStore } from '../auth/session-store.js';
import type { DashboardMetrics } from '../dashboard-metrics.js';
import type { DashboardEnv } from './dashboard-env.js';
import { loginPage } from './login-page.js';
import { csrfProtection, isSameOrigin, SESSION_COOKIE } from './request-guards.js';

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
  /** Told about logins, never with the password. */
  readonly onLogin?: (event: { user: string; ok: boolean; address: string }) => void;
}

/** Only a path on this site may follow a login: anything else would make an open redirect. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\')
    ? next
    : '/';
}

function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Adds `GET/POST /login` and `POST /logout`. */
export function addLoginRoutes(app: Hono<DashboardEnv>, o: LoginRouteOptions): void {
  const page = (c: Context, next: string, status: 200 | 401 | 403 | 429, error?: string) =>
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
    if (!isSameOrigin(c))
      return page(c, next, 403, 'This login did not come from the dashboard page; refused.');
    const address = clientAddress(c);
    const wait = o.throttle.retryAfterMs(address);
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
      o.throttle.fail(address);
      o.metrics.logins.inc({ outcome: 'refused' });
      return page(c, next, 401, 'Wrong user name or password.');
    }
    o.throttle.succeed(address);
    o.metrics.logins.inc({ outcome: 'ok' });
    const session = o.sessions.create(identity);
    setCookie(c, SESSION_COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: o.secureCookie,
      path: '/',
    });
    return c.redirect(next, 303);
  });

  app.post('/logout', csrfProtection(true), (c) => {
    o.sessions.delete(c.get('caller')?.sessionId);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: o.secureCookie });
    return c.redirect('/login', 303);
  });
}
