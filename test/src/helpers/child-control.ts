import type { ChildProcess } from 'node:child_process';

/** True until the child has exited. */
export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Sends `signal` (if the child still runs) and waits for `exited`. */
export async function signalChild<T>(
  child: ChildProcess,
  exited: Promise<T>,
  signal: NodeJS.Signals,
): Promise<T> {
  if (isRunning(child)) child.kill(signal);
  return exited;
}

/** SIGTERM, then SIGKILL if the child has not exited after `graceMs`. */
export async function stopChild<T>(child: ChildProcess, exited: Promise<T>, graceMs: number): Promise<T> {
  if (!isRunning(child)) return exited;
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await signalChild(child, exited, 'SIGTERM');
  } finally {
    clearTimeout(timer);
  }
}
