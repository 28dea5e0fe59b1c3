import type { z } from 'zod';
import { InputError } from '../errors.js';
import { type ClassifyRequest, ClassifyRequestSchema } from './classify-request.js';

/** Turns the first schema issue into one sentence naming the field, e.g. `texts[2] is empty`. */
export function describeIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { field: '', message: 'is invalid' };
  const field = issue.path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
  return { field, message: issue.message };
}

/** Validates a request before it is enqueued; throws {@link InputError} naming the bad field. */
export function parseClassifyRequest(value: unknown): ClassifyRequest {
  const parsed = ClassifyRequestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const { field, message } = describeIssue(parsed.error);
  throw new InputError(field ? `${field} ${message}` : message, field || undefined);
}
