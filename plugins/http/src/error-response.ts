import type { Context } from 'hono';
import type { HttpError } from './http-error.js';
import { TEI_PATHS, teiAnswer } from './tei-errors.js';

/** Path of the TEI-compatible route, whose errors also carry TEI's `error_type`. */
export const PREDICT_PATH = '/predict';

/**
 * The JSON answer for an error: `{error, code}`, with its headers. On TEI's routes (`/predict`,
 * `/`, `/invocations`, `/info`, `/health`, `/ping`) it also carries TEI's `error_type`, with the
 * status TEI would send (e.g. 424 for a backend failure).
 */
export function errorResponse(c: Context, err: HttpError): Response {
  if (!TEI_PATHS.has(c.req.path)) return c.json(err.body, err.status, err.headers);
  const { status, errorType } = teiAnswer(err);
  return c.json({ ...err.body, error_type: errorType }, status, err.headers);
}
