import { randomBytes } from 'node:crypto';
import type { Identity } from './credential-verifier.js';

/** A signed-in browser. */
export interface Session extends Identity {
  /** Random id, the cookie's value. */
  readonly id: string;
  /** Sent back by the page in `X-CSRF-Token` on every change it asks for. */
  readonly csrfToken: string;
  readonly createdAt: number;
  lastSeen: number;
}

/** Lifetimes of a session. */
export interface SessionLimits {
  /** A session unused this long ends. Default 8 hours. */
  idleMs?: number;
  /** A session ends this long after login whatever happens. Default 24 hours. */
  absoluteMs?: number;
}

/**
 * Sessions kept in the dashboard's memory, addressed by a random 256-bit id. A restart signs
 * everybody out, which is acceptable for an ops page and keeps Redis free of credentials.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly idleMs: number;
  private readonly absoluteMs: number;

  constructor(limits: SessionLimits = {}) {
    this.idleMs = limits.idleMs ?? 8 * 3_600_000;
    this.absoluteMs = limits.absoluteMs ?? 24 * 3_600_000;
  }

  /** Opens a session for a verified identity. */
  create(identity: Identity, now = Date.now()): Session {
    this.sweep(now);
    const session: Session = {
      ...identity,
      id: randomBytes(32).toString('base64url'),
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeen: now,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id (and marks it used), or `undefined`. */
  get(id: string | undefined, now = Date.now()): Session | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (now - session.lastSeen > this.idleMs || now - session.createdAt > this.absoluteMs) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastSeen = now;
    return session;
  }

  /** Ends a session (logout). */
  delete(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  /** Number of live sessions. */
  get size(): number {
    return this.sessions.size;
  }

  private sweep(now: number): void {
    for (const [id, s] of this.sessions) {
      if (now - s.lastSeen > this.idleMs || now - s.createdAt > this.absoluteMs) this.sessions.delete(id);
    }
  }
}
