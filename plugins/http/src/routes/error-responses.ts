import { ErrorSchema } from '../api-schemas.js';

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

/** The documented error answers shared by the authenticated routes. */
export const COMMON_ERRORS = {
  401: error('Missing or wrong API key (`Authorization: Bearer <key>`).'),
  429: error('Rate limit of the key reached, or the queue is over its depth limit. See `Retry-After`.'),
  503: error('Redis (the job queue) is unreachable. See `Retry-After`.'),
} as const;

/** The documented error answers of routes that take a JSON body. */
export const BODY_ERRORS = {
  400: error('Malformed JSON, a Content-Type other than application/json, or a body that is not UTF-8.'),
  413: error('Too many texts, a text over the length limit, or a body over the size limit.'),
  422: error('A field is missing, has the wrong type or breaks a rule; the message names it.'),
} as const;

/** A 404 answer. */
export const NOT_FOUND = { 404: error('No such model or job.') } as const;
