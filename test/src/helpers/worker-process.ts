import { type ChildProcess, fork, type StdioOptions, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { entryExecArgv, findServices } from '@switchboard/core';
import type { ReadyMessage } from '@switchboard/worker';
import { isRunning, signalChild, stopChild } from './child-control.js';

/** The repository root: worker processes run from there, as `switchboard start` runs them. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The worker's process entry, as its `switchboard.service` block declares it. */
export const WORKER_ENTRY = findServices(REPO_ROOT).find((s) => s.name === 'worker')!.entryPath;

/** Options of {@link startWorker}. */
export interface WorkerProcessOptions {
  /** `REDIS_URL`. */
  redisUrl: string;
  /** `SWITCHBOARD_QUEUE_PREFIX`. */
  prefix: string;
  /** `SWITCHBOARD_MODELS`: the model repository folder. */
  modelsDir: string;
  /** Further worker environment (`BATCH_MAX_SIZE`, `WORKER_LOCK_MS`, ...). */
  env?: Record<string, string>;
  /** How long start-up may take. Default 30 s. */
  readyTimeoutMs?: number;
  /**
   * A command that runs node for it, e.g. `['ip', 'netns', 'exec', 'ns1']` to start the worker in
   * another network namespace. It must exec (not fork) node, so the IPC channel and signals reach it.
   */
  launcher?: readonly string[];
}

/** How a worker process ended. */
export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A real worker process (`worker/dist/worker-main.js`), started and watched by a test. */
export class WorkerProcess {
  readonly child: ChildProcess;
  readonly ready: ReadyMessage;
  /** Settles when the process has exited. */
  readonly exited: Promise<WorkerExit>;
  private readonly output: () => string;

  private constructor(
    child: ChildProcess,
    ready: ReadyMessage,
    exited: Promise<WorkerExit>,
    output: () => string,
  ) {
    this.child = child;
    this.ready = ready;
    this.exited = exited;
    this.output = output;
  }

  /** Forks the worker and resolves once it sends its IPC `ready` message. */
  static start(options: WorkerProcessOptions): Promise<WorkerProcess> {
    const env = {
      ...process.env,
      REDIS_URL: options.redisUrl,
      SWITCHBOARD_QUEUE_PREFIX: options.prefix,
      SWITCHBOARD_MODELS: options.modelsDir,
      WORKER_PROCESSES: '1',
      WORKER_METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    const stdio: StdioOptions = ['ignore', 'pipe', 'pipe', 'ipc'];
    const [command, ...prefix] = options.launcher ?? [];
    const child = command
      ? spawn(command, [...prefix, process.execPath, ...entryExecArgv(WORKER_ENTRY), WORKER_ENTRY], {
          cwd: REPO_ROOT,
          env,
          stdio,
        })
      : fork(WORKER_ENTRY, [], { cwd: REPO_ROOT, execArgv: entryExecArgv(WORKER_ENTRY), env, stdio });
    let log = '';
    const keep = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-8_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<WorkerExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const timeoutMs = options.readyTimeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`worker did not report ready within ${timeoutMs} ms:\n${log}`));
      }, timeoutMs);
      child.on('message', (message: ReadyMessage) => {
        if (message?.type !== 'ready') return;
        clearTimeout(timer);
        resolve(new WorkerProcess(child, message, exited, () => log));
      });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`worker exited before ready (code ${code}, signal ${signal}):\n${log}`));
      });
    });
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid!;
  }

  /** `http://127.0.0.1:<metrics port>`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.ready.metricsPort}`;
  }

  /** The last few kB the process wrote (its pino log), for failure messages. */
  get log(): string {
    return this.output();
  }

  /** True until the process has exited. */
  get running(): boolean {
    return isRunning(this.child);
  }

  /** Sends a signal and waits for the process to exit. */
  async kill(signal: NodeJS.Signals): Promise<WorkerExit> {
    return signalChild(this.child, this.exited, signal);
  }

  /** Stops the process gracefully if it still runs (SIGKILL when it does not stop in `graceMs`). */
  async stop(graceMs = 15_000): Promise<WorkerExit> {
    return stopChild(this.child, this.exited, graceMs);
  }
}

/** Starts a worker process; see {@link WorkerProcess.start}. */
export function startWorker(options: WorkerProcessOptions): Promise<WorkerProcess> {
  return WorkerProcess.start(options);
}
