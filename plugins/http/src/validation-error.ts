import type { z } from '@hono/zod-openapi';
import { HttpError } from './http-error.js';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

function fieldName(path: Path): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
}

// A union reports one list of issues per branch. The branch to explain is the one the value was
// meant for: the first that failed on something other than its type, else the one that got deepest.
function explainUnion(issue: z.core.$ZodIssueInvalidUnion, prefix: Path): { issue: Issue; path: Path } {
  const branches = issue.errors.filter((b) => b.length > 0);
  const typed = branches.find((b) => b.some((i) => i.code !== 'invalid_type'));
  const deepest = [...branches].sort((a, b) => b[0]!.path.length - a[0]!.path.length)[0];
  const chosen = typed ?? (deepest && deepest[0]!.path.length > 0 ? deepest : undefined);
  const base = [...prefix, ...issue.path];
  if (!chosen) return { issue, path: base };
  const first = chosen.find((i) => i.code !== 'invalid_type') ?? chosen[0]!;
  return first.code === 'invalid_union'
    ? explainUnion(first, base)
    : { issue: first, path: [...base, ...first.path] };
}

function valueAt(input: unknown, path: Path): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Turns a schema failure into one answer naming the field: 413 when a text or the list of texts is
 * too big (the client must send less), 422 for anything else (wrong type, empty text, unknown field).
 */
export function validationError(error: z.ZodError, input: unknown): HttpError {
  const top = error.issues[0];
  if (!top) return new HttpError(422, 'invalid_input', 'The request body is invalid.');
  const { issue, path } =
    top.code === 'invalid_union' ? explainUnion(top, []) : { issue: top, path: top.path };
  const field = fieldName(path);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const where = field ? ` in ${field}` : '';
    return new HttpError(
      422,
      'invalid_input',
      `Unknown field${issue.keys.length > 1 ? 's' : ''}${where}: ${issue.keys.join(', ')}.`,
    );
  }
  if (issue.code === 'invalid_type') {
    // Keep a schema's own wording; replace zod's generic "Invalid input: expected ..." with ours.
    if (valueAt(input, path) === undefined) message = 'is required';
    else if (message.startsWith('Invalid input')) message = `must be ${article(issue.expected)}`;
  }
  if (issue.code === 'too_big') {
    if (issue.origin === 'array') message = `has too many items (at most ${issue.maximum})`;
    return new HttpError(413, 'payload_too_large', field ? `${field} ${message}` : message);
  }
  return new HttpError(422, 'invalid_input', field ? `${field} ${message}` : `The request body ${message}.`);
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
