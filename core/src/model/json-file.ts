import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { ModelLoadError } from '../errors.js';

/** Reads and validates one JSON file of a model folder; every failure names the file. */
export async function readJsonFile<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (err) {
    throw new ModelLoadError(path, describeFsError(err), { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new ModelLoadError(path, `unreadable JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : '';
    throw new ModelLoadError(
      path,
      `invalid content${where}: ${issue?.message ?? 'does not match the schema'}`,
    );
  }
  return parsed.data;
}

/** Reads a JSON file without a schema; used for files we hand on untouched (tokenizer.json). */
export async function readRawJson(path: string): Promise<object> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (err) {
    throw new ModelLoadError(path, describeFsError(err), { cause: err });
  }
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) throw new Error('not a JSON object');
    return value;
  } catch (err) {
    throw new ModelLoadError(path, `unreadable JSON (${(err as Error).message})`, { cause: err });
  }
}

/** Turns an fs error into words a person can act on. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'missing file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder, expected a file';
  return `cannot read (${(err as Error).message})`;
}
