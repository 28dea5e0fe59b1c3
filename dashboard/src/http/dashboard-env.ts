import type { Identity } from '../auth/credential-verifier.js';

/** How a request proved who it is. */
export type AuthMethod = 'session' | 'bearer' | 'development';

/** Who is asking, once the auth middleware has run. */
export interface Caller extends Identity {
  readonly via: AuthMethod;
  /** Must come back with every change the page asks for (absent for bearer callers). */
  readonly csrfToken?: string;
  /** Session id, for logout. */
  readonly sessionId?: string;
}

/** Hono environment of the dashboard app: the caller, when one was recognised. */
export interface DashboardEnv {
  Variables: { caller: Caller | undefined };
}
