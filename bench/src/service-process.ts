import { type ChildProcess, fork } from 'node:child_process';
import { REPO_ROOT } from './bench-texts.js';

/** What a forked service reports once it serves (worker processes add their metrics port). */
export interface ServiceReady {
  readonly type: 'ready';
  readonly metricsPort?: number;
  readonly [key: string]: unknown;
}

/**
 * `BENCH_CPU_PROF_DIR=dir` profiles every service the bench starts (Node refuses `--cpu-prof` in
 * NODE_OPTIONS): each writes a `.cpuprofile` into `dir` when it exits after SIGTERM.
 */
function cpuProfileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** The last few kB a process wrote, for error messages. */
class OutputTail {
  text = '';
  readonly append = (chunk: Buffer) => {
    this.text = (this.text + chunk.toString()).slice(-4_000);
  };
}

/**
 * A service run as its own `node` process on its compiled entry (a worker, the bench's no-op
 * worker), as `switchboard start` runs it: started with an IPC channel, ready once it says so.
 */
export class ServiceProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly ready: ServiceReady,
    private readonly exited: Promise<void>,
    private readonly tail: OutputTail,
  ) {}

  /** Forks `entry` with `env` added to this process's environment; resolves on its `ready`. */
  static start(entry: string, env: Record<string, string>, timeoutMs = 60_000): Promise<ServiceProcess> {
    const child = fork(entry, [], {
      cwd: REPO_ROOT,
      execArgv: [...cpuProfileArgs()],
      env: { ...process.env, ...env },
      // Its log would mix with the figures on stdout: keep the tail for error messages instead.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const tail = new OutputTail();
    child.stdout?.on('data', tail.append);
    child.stderr?.on('data', tail.append);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${entry} did not report ready within ${timeoutMs} ms:\n${tail.text}`));
      }, timeoutMs);
      child.on('message', (message: ServiceReady) => {
        if (message?.type !== 'ready') return;
        clearTimeout(timer);
        resolve(new ServiceProcess(child, message, exited, tail));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${entry} exited during start (code ${code}, signal ${signal}):\n${tail.text}`));
      });
    });
  }

  /** The last few kB the process wrote. */
  get output(): string {
    return this.tail.text;
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(timer);
  }
}
