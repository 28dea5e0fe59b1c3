/**
 * A reply target may hold credentials (Slack's `response_url` can post into a channel for 30
 * minutes, a Discord interaction token can edit the bot's replies for 15). The channel that made
 * the target lists those fields under this key, inside the target itself, so that anything that
 * shows job data (the dashboard, logs) can hide them without knowing any channel.
 */
export const SECRET_FIELDS_KEY = '$secret';

/** What a hidden value is replaced with. */
export const REDACTED = '[redacted]';

/** `target` with the names of its secret fields recorded under {@link SECRET_FIELDS_KEY}. */
export function markSecretFields<T extends Record<string, unknown>>(
  target: T,
  fields: readonly string[],
): T & { [SECRET_FIELDS_KEY]?: string[] } {
  const present = fields.filter((f) => target[f] !== undefined);
  return present.length > 0 ? { ...target, [SECRET_FIELDS_KEY]: present } : target;
}

/** The secret field names a reply target declares (none when it declares none or is not an object). */
export function secretFieldsOf(target: unknown): string[] {
  if (!target || typeof target !== 'object') return [];
  const list = (target as Record<string, unknown>)[SECRET_FIELDS_KEY];
  return Array.isArray(list) ? list.filter((f): f is string => typeof f === 'string') : [];
}

/**
 * A deep copy of any job data (a classification request, a delivery, a result) in which every
 * object that declares secret fields has them replaced by {@link REDACTED}. The input is not changed.
 */
export function redactSecretFields<T>(value: T): T {
  return redact(value, 0) as T;
}

// Job data is bounded (see limits.ts), but a hostile value must not recurse for ever.
const MAX_DEPTH = 32;

function redact(value: unknown, depth: number): unknown {
  if (!value || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const secret = new Set(secretFieldsOf(value));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = secret.has(key) && v !== undefined ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
