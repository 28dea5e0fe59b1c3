import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { CredentialVerifier } from '../auth/credential-verifier.js';
import { safeEqual } from '../auth/safe-equal.js';
import { type Session, type SessionStore, SessionStoreUnavailableError } from '../auth/session-store.js';
import type { Caller, DashboardEnv } from './dashboard-env.js';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'switchboard_dashboard';

/** Header the page sends its CSRF token in; HTML forms send the field `_csrf` instead. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What {@link identify} needs. */
export interface IdentifyOptions {
  readonly sessions: SessionStore;
  readonly verifier: CredentialVerifier;
  /** Set in development mode (loopback, nothing configured): everyone is this caller. */
  readonly developer?: Caller;
}

/**
 * Recognises the caller from the session cookie or an `Authorization: Bearer` token (the admin
 * token, for scripts). Never rejects: the guards below decide what an unknown caller gets.
 */
export function identify(options: IdentifyOptions): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    let caller: Caller | undefined = options.developer;
    const auth = c.req.header('authorization');
    if (!caller && auth?.toLowerCase().startsWith('bearer ')) {
      const identity = options.verifier.verifyToken(auth.slice(7).trim());
      if (identity) caller = { ...identity, via: 'bearer' };
    }
    const cookie = caller ? undefined : getCookie(c, SESSION_COOKIE);
    if (cookie) {
      let session: Session | undefined;
      try {
        session = await options.sessions.get(cookie);
      } catch (err) {
        if (!(err instanceof SessionStoreUnavailableError)) throw err;
        // "Log in again" would be wrong and would not help: the session may be fine.
        return c.json(
          {
            error: 'redis_unavailable',
            message: 'The dashboard cannot reach Redis to check your session; try again shortly.',
          },
          503,
          { 'Retry-After': '5' },
        );
      }
      if (session) {
        caller = {
          user: session.user,
          role: session.role,
          via: 'session',
          csrfToken: session.csrfToken,
          sessionId: session.id,
        };
      }
    }
    c.set('caller', caller);
    await next();
  };
}

/** True for requests that expect JSON rather than a page. */
function wantsJson(c: Context): boolean {
  const path = c.req.path;
  return path.startsWith('/api/') || path.startsWith('/queues/api/') || !SAFE_METHODS.has(c.req.method);
}

/** Refuses callers without a login: pages redirect to `/login`, APIs answer 401. */
export function requireLogin(): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    if (c.get('caller')) return next();
    if (wantsJson(c)) {
      return c.json(
        { error: 'login_required', message: 'Log in to the dashboard first (POST /login).' },
        401,
      );
    }
    const url = new URL(c.req.url);
    return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 302);
  };
}

/** Refuses callers who are not admins with 403. */
export function requireAdmin(): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    if (c.get('caller')?.role === 'admin') return next();
    return c.json(
      {
        error: 'forbidden',
        message: 'Your dashboard role is viewer: it can see everything but change nothing.',
      },
      403,
    );
  };
}

/**
 * True when the request came from a page of this dashboard: its `Origin` (or, when a browser sends
 * none, its `Referer`) is one of `publicOrigins` (`DASHBOARD_PUBLIC_ORIGIN`, for a dashboard behind
 * a proxy that changes `Host`), or, when none are configured, names the host the request was sent to.
 */
export function isSameOrigin(c: Context, publicOrigins: readonly string[] = []): boolean {
  const source = c.req.header('origin') ?? c.req.header('referer');
  if (!source || source === 'null') return false;
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return false;
  }
  if (publicOrigins.length > 0) return publicOrigins.includes(url.origin);
  const host = c.req.header('host');
  return host !== undefined && url.host === host;
}

/**
 * Cross-site request protection for every state-changing request made with the session cookie:
 * the session cookie is SameSite=Strict already, and on top of that the request must come from
 * this dashboard's own origin (see {@link isSameOrigin}) and (where `checkToken` is set) carry the session's CSRF token.
 * Bearer-token callers are exempt: a browser never attaches that header on its own.
 */
export function csrfProtection(
  checkToken: boolean,
  publicOrigins: readonly string[] = [],
): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const caller = c.get('caller');
    if (SAFE_METHODS.has(c.req.method) || !caller || caller.via === 'bearer') return next();
    if (!isSameOrigin(c, publicOrigins)) {
      return c.json(
        { error: 'cross_site', message: 'This request did not come from a dashboard page; refused.' },
        403,
      );
    }
    if (checkToken) {
      let token = c.req.header(CSRF_HEADER);
      if (!token && c.req.header('content-type')?.includes('application/x-www-form-urlencoded')) {
        const form = await c.req.parseBody();
        token = typeof form._csrf === 'string' ? form._csrf : undefined;
      }
      if (!token || !caller.csrfToken || !safeEqual(token, caller.csrfToken)) {
        return c.json(
          { error: 'csrf', message: 'Missing or stale CSRF token; reload the page and try again.' },
          403,
        );
      }
    }
    return next();
  };
}
