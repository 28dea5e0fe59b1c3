import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Identity } from './credential-verifier.js';
import type { Role } from './user-config.js';

/** A signed-in browser. */
export interface Session extends Identity {
  /** Random id, the cookie's value. */
  readonly id: string;
  /** Sent back by the page in `X-CSRF-Token` on every change it asks for. */
  readonly csrfToken: string;
  readonly createdAt: number;
  readonly lastSeen: number;
}

/** Lifetimes of a session. */
export interface SessionLimits {
  /** A session unused this long ends. Default 8 hours. */
  idleMs?: number;
  /** A session ends this long after login whatever happens. Default 24 hours. */
  absoluteMs?: number;
}

/** Where {@link SessionStore} keeps sessions, and for how long. */
export interface SessionStoreOptions extends SessionLimits {
  /** A producer connection (fails fast while Redis is down). */
  readonly redis: Redis;
  /** Key prefix (the queue prefix); sessions live under `<prefix>:dashboard:session:`. */
  readonly prefix: string;
}

/** Raised when Redis cannot be asked about a session; the caller answers 503, not "log in again". */
export class SessionStoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`Redis did not answer about the session: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'SessionStoreUnavailableError';
  }
}

/**
 * Idle expiry is refreshed at most this often, so a page polling every 2 s does not write to
 * Redis on every poll; an idle limit counted in hours loses nothing by it.
 */
const TOUCH_EVERY_MS = 30_000;

interface StoredSession {
  user: string;
  role: Role;
  csrfToken: string;
  createdAt: number;
  lastSeen: number;
}

function isStoredSession(v: unknown): v is StoredSession {
  const s = v as Partial<StoredSession> | null;
  return (
    typeof s?.user === 'string' &&
    (s.role === 'admin' || s.role === 'viewer') &&
    typeof s.csrfToken === 'string' &&
    typeof s.createdAt === 'number' &&
    typeof s.lastSeen === 'number'
  );
}

/**
 * Sessions kept in Redis, so every replica of the dashboard knows every login and a logout on
 * one ends the session on all. Keys hold a SHA-256 of the cookie value, never the value itself:
 * whoever reads Redis cannot take over a session. Each key expires on its own (idle or absolute
 * limit, whichever comes first); a sorted set of expiry times counts the live ones for `/metrics`.
 */
export class SessionStore {
  private readonly redis: Redis;
  private readonly keyPrefix: string;
  private readonly indexKey: string;
  private readonly idleMs: number;
  private readonly absoluteMs: number;

  constructor(options: SessionStoreOptions) {
    this.redis = options.redis;
    this.keyPrefix = `${options.prefix}:dashboard:session:`;
    this.indexKey = `${options.prefix}:dashboard:sessions`;
    this.idleMs = options.idleMs ?? 8 * 3_600_000;
    this.absoluteMs = options.absoluteMs ?? 24 * 3_600_000;
  }

  /**
   * Opens a session for a verified identity.
   * @throws SessionStoreUnavailableError when Redis does not answer
   */
  async create(identity: Identity, now = Date.now()): Promise<Session> {
    const session: Session = {
      user: identity.user,
      role: identity.role,
      id: randomBytes(32).toString('base64url'),
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeen: now,
    };
    await this.save(session, now);
    return session;
  }

  /**
   * The live session with this id (and marks it used), or `undefined`.
   * @throws SessionStoreUnavailableError when Redis does not answer
   */
  async get(id: string | undefined, now = Date.now()): Promise<Session | undefined> {
    if (!id) return undefined;
    const digest = this.digest(id);
    let text: string | null;
    try {
      text = await this.redis.get(this.keyPrefix + digest);
    } catch (err) {
      throw new SessionStoreUnavailableError(err);
    }
    if (!text) return undefined;
    let stored: unknown;
    try {
      stored = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!isStoredSession(stored)) return undefined;
    if (this.expiresAt(stored) <= now) return undefined;
    const session: Session = { ...stored, id };
    if (now - stored.lastSeen < TOUCH_EVERY_MS) return session;
    const touched = { ...session, lastSeen: now };
    await this.save(touched, now);
    return touched;
  }

  /**
   * Ends a session (logout), on every replica.
   * @throws SessionStoreUnavailableError when Redis does not answer
   */
  async delete(id: string | undefined): Promise<void> {
    if (!id) return;
    const digest = this.digest(id);
    try {
      await this.redis
        .multi()
        .del(this.keyPrefix + digest)
        .zrem(this.indexKey, digest)
        .exec();
    } catch (err) {
      throw new SessionStoreUnavailableError(err);
    }
  }

  /** Live sessions over all replicas (expired entries are dropped from the count first). */
  async count(now = Date.now()): Promise<number> {
    const results = await this.redis
      .multi()
      .zremrangebyscore(this.indexKey, '-inf', now)
      .zcard(this.indexKey)
      .exec();
    const card = results?.[1];
    if (!card || card[0]) throw card?.[0] ?? new Error('no answer from Redis');
    return Number(card[1]);
  }

  private async save(session: Session, now: number): Promise<void> {
    const { id, ...stored } = session;
    const digest = this.digest(id);
    const expiresAt = this.expiresAt(stored);
    try {
      await this.redis
        .multi()
        .set(this.keyPrefix + digest, JSON.stringify(stored), 'PX', Math.max(1, expiresAt - now))
        .zadd(this.indexKey, expiresAt, digest)
        .exec();
    } catch (err) {
      throw new SessionStoreUnavailableError(err);
    }
  }

  private expiresAt(s: StoredSession): number {
    return Math.min(s.lastSeen + this.idleMs, s.createdAt + this.absoluteMs);
  }

  private digest(id: string): string {
    return createHash('sha256').update(id).digest('hex');
  }
}
