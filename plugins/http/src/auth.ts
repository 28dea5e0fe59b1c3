import type { MiddlewareHandler } from 'hono';
import type { ApiKeyring } from './api-keyring.js';
import type { AppEnv } from './app-env.js';
import { HttpError } from './http-error.js';

/** The caller name of every request in local-development mode (no keys, loopback only). */
export const LOCAL_CALLER = 'local';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="switchboard"' };

/**
 * Checks `Authorization: Bearer <key>` against the keyring and records the key's name as the
 * caller. With no keyring (local-development mode) every request is the `local` caller.
 */
export function bearerAuth(keyring: ApiKeyring | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!keyring) {
      c.set('caller', LOCAL_CALLER);
      return next();
    }
    const header = c.req.header('authorization');
    if (!header) {
      throw new HttpError(
        401,
        'unauthorized',
        'Missing API key: send "Authorization: Bearer <key>".',
        CHALLENGE,
      );
    }
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    const name = match ? keyring.verify(match[1]!) : undefined;
    if (!name) {
      throw new HttpError(
        401,
        'unauthorized',
        match
          ? 'Invalid API key: check the key you were given (keys are set in HTTP_API_KEYS on the server).'
          : 'Malformed Authorization header: send "Authorization: Bearer <key>".',
        CHALLENGE,
      );
    }
    c.set('caller', name);
    return next();
  };
}
