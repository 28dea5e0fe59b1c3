import type { Context } from 'hono';
import type { HttpError } from './http-error.js';
import { teiErrorType } from './tei-predict.js';

/** Path of the TEI-compatible route, whose errors also carry TEI's `error_type`. */
export const PREDICT_PATH = '/predict';

/** The JSON answer for an error: `{error, code}` (plus `error_type` on `/predict`), with its headers. */
export function errorResponse(c: Context, err: HttpError): Response {
  const body = c.req.path === PREDICT_PATH ? { ...err.body, error_type: teiErrorType(err.status) } : err.body;
  return c.json(body, err.status, err.headers);
}
