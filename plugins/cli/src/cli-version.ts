import { readFileSync } from 'node:fs';

/**
 * The CLI package's version, read from its package.json: one level above this file both in
 * `src/` and in a compiled `dist/`, so `--version` never drifts from what was released.
 */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  if (typeof pkg.version !== 'string') throw new Error('the CLI package.json has no version');
  return pkg.version;
}
