import type { HttpError } from './http-error.js';

/**
 * TEI's `error_type`, serialised as Text Embeddings Inference 1.9+ does (its Rust enum's variant
 * names). `Tokenizer` is never sent: texts are tokenized in the workers, whose failures are
 * `Backend`.
 */
export type TeiErrorType = 'Validation' | 'Overloaded' | 'Unhealthy' | 'Backend' | 'Tokenizer' | 'Empty';

/** Every {@link TeiErrorType}, for the OpenAPI document. */
export const TEI_ERROR_TYPES = [
  'Validation',
  'Overloaded',
  'Unhealthy',
  'Backend',
  'Tokenizer',
  'Empty',
] as const;

/** The routes that answer as TEI does, errors included: `/predict` and TEI's defaults for a classifier. */
export const TEI_PATHS: ReadonlySet<string> = new Set([
  '/predict',
  '/',
  '/invocations',
  '/info',
  '/health',
  '/ping',
]);

/** Status and `error_type` TEI would send for this error. */
export interface TeiAnswer {
  readonly status: HttpError['status'];
  readonly errorType: TeiErrorType;
}

/**
 * What TEI sends for a failure of this kind. TEI derives the status from the type: Validation and
 * Tokenizer 422, Empty 400, Overloaded 429, Backend 424, Unhealthy 503. Statuses TEI has no type
 * for keep ours: 401 (wrong key), 413 (body over the size limit) and 504 (no result within the
 * wait timeout) carry the nearest type.
 */
export function teiAnswer(err: HttpError): TeiAnswer {
  if (err.status === 429) return { status: 429, errorType: 'Overloaded' };
  // The model failed to load or to run in a worker: TEI's backend failure.
  if (err.code === 'inference_failed' || err.code === 'model_load')
    return { status: 424, errorType: 'Backend' };
  if (err.status === 503 || err.status === 504) return { status: err.status, errorType: 'Unhealthy' };
  if (err.status >= 500) return { status: err.status, errorType: 'Backend' };
  if (err.status === 400 && err.code === 'invalid_input') return { status: 400, errorType: 'Empty' };
  return { status: err.status, errorType: 'Validation' };
}
