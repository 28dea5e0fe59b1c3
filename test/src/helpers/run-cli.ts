import { spawn } from 'node:child_process';
import { REPO_ROOT } from './worker-process.js';

/** How a CLI run ended. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `switchboard` CLI from the repository root without blocking this process (which
 * may be serving what the CLI talks to). `env` entries set to undefined are removed; killed after
 * 60 s so that a hang fails the test instead of the suite.
 */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  input = '',
): Promise<CliRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
  const child = spawn(process.execPath, ['plugins/cli/dist/main.js', ...args], {
    cwd: REPO_ROOT,
    env: childEnv,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => {
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
