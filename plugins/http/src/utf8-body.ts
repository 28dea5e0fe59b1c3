import type { MiddlewareHandler } from 'hono';
import { HttpError } from './http-error.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Refuses a body that is not valid UTF-8 with 400. Without it `Request.json()` would silently turn
 * bad bytes into U+FFFD and the model would classify text the client never sent. The bytes read
 * here stay cached on the request, so the JSON validator reads them again without a second copy.
 */
export const utf8Body: MiddlewareHandler = async (c, next) => {
  if (c.req.raw.body) {
    const bytes = await c.req.arrayBuffer();
    try {
      decoder.decode(bytes);
    } catch {
      throw new HttpError(400, 'bad_request', 'The request body is not valid UTF-8.');
    }
  }
  return next();
};
