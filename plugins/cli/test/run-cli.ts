import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file so tests run from any working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What one CLI run printed and how it ended. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `switchboard` CLI in a child process, as `pnpm switchboard` does. */
export function runCli(
  args: readonly string[],
  options: {
    input?: string | Uint8Array;
    env?: Record<string, string | undefined>;
    nodeArgs?: string[];
  } = {},
): CliRun {
  const env: NodeJS.ProcessEnv = { ...process.env, SWITCHBOARD_DEFAULT_MODEL: undefined };
  for (const [k, v] of Object.entries(options.env ?? {})) env[k] = v;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const result = spawnSync(
    process.execPath,
    [...(options.nodeArgs ?? []), 'plugins/cli/dist/main.js', ...args],
    { cwd: REPO_ROOT, env, input: options.input ?? '', encoding: 'utf8', timeout: 60_000 },
  );
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
