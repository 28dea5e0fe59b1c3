import { readFile } from 'node:fs/promises';
import { describeIssue } from '@switchboard/core';
import type { z } from 'zod';

/**
 * Reads a JSON setting such as `DISCORD_WATCH` or `TELEGRAM_WATCH`: inline JSON when the value
 * starts with `{` or `[`, else the path of a JSON file, checked against `schema`.
 * @param variable - the variable's name, for the error messages
 * @throws Error naming the variable (and the file) and what is wrong
 */
export async function readJsonSetting<T>(variable: string, value: string, schema: z.ZodType<T>): Promise<T> {
  const inline = /^\s*[[{]/.test(value);
  const source = inline ? variable : `${variable} file ${value}`;
  let text = value;
  if (!inline) {
    try {
      text = await readFile(value, 'utf8');
    } catch (err) {
      throw new Error(
        `${source} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); give inline JSON or the path of a JSON file`,
      );
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error);
    throw new Error(`${source}: ${field ? `${field} ` : ''}${message}`);
  }
  return parsed.data;
}
