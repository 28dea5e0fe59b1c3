import type { z } from 'zod';

/**
 * Reads a service's options from environment variables: `names` maps each option to its variable,
 * empty variables count as unset, and the schema fills in defaults. A bad value throws an Error that
 * names the variable but never echoes its value (many are secrets).
 */
export function optionsFromEnv<S extends z.ZodType>(
  schema: S,
  names: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  const raw: Record<string, string> = {};
  for (const [key, name] of Object.entries(names)) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = String(issue.path[0] ?? '');
  const name = names[key] ?? key;
  throw new Error(raw[key] === undefined ? `${name} is not set` : `${name}: ${issue.message}`);
}
