import { type ChildProcess, fork } from 'node:child_process';
import { entryExecArgv, findServices, type ServiceReadyMessage } from '@switchboard/core';
import { isRunning, signalChild, stopChild } from './child-control.js';
import { REPO_ROOT } from './worker-process.js';

/**
 * The process entry of every service, as `switchboard start` runs them: read from the
 * `switchboard.service` blocks, so a new channel package needs no change here.
 */
export const SERVICE_ENTRIES: Readonly<Record<string, string>> = Object.fromEntries(
  findServices(REPO_ROOT).map((s) => [s.name, s.entryPath]),
);

/** A declared service's name (`worker`, `http`, `slack`...). */
export type ServiceName = string;

/** How a service process ended. */
export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Most output kept per process; a test that needs more is writing far too much. */
const MAX_OUTPUT_CHARS = 32 * 1024 * 1024;

/**
 * One service run as its own process, as the stack runs it (its declared, compiled entry with plain
 * `node`): configured only through
 * its environment, ready once it sends its IPC `ready` message. Unlike the worker helper it keeps
 * everything the process writes (stdout and stderr), for tests that read the whole log.
 */
export class ServiceProcess {
  readonly name: ServiceName;
  readonly child: ChildProcess;
  readonly exited: Promise<ServiceExit>;
  private readonly chunks: string[] = [];
  private size = 0;
  private readyMessage: ServiceReadyMessage | undefined;

  private constructor(name: ServiceName, env: Record<string, string>) {
    this.name = name;
    const entry = SERVICE_ENTRIES[name];
    if (!entry) throw new Error(`no package declares a service "${name}"`);
    this.child = fork(entry, [], {
      cwd: REPO_ROOT,
      execArgv: entryExecArgv(entry),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const keep = (chunk: Buffer) => {
      if (this.size > MAX_OUTPUT_CHARS) return;
      const text = chunk.toString();
      this.chunks.push(text);
      this.size += text.length;
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** Forks the service with `env` over this process's environment; resolves once it is ready. */
  static async start(
    name: ServiceName,
    env: Record<string, string>,
    readyTimeoutMs = 45_000,
  ): Promise<ServiceProcess> {
    const service = new ServiceProcess(name, env);
    service.readyMessage = await new Promise<ServiceReadyMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        service.child.kill('SIGKILL');
        reject(new Error(`${name} not ready within ${readyTimeoutMs} ms:\n${service.tail()}`));
      }, readyTimeoutMs);
      service.child.on('message', (message: ServiceReadyMessage) => {
        if (message?.type !== 'ready') return;
        clearTimeout(timer);
        resolve(message);
      });
      void service.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited before ready (code ${code}, signal ${signal}):\n${service.tail()}`));
      });
    });
    return service;
  }

  /** The `ready` message the service sent. */
  get ready(): ServiceReadyMessage {
    return this.readyMessage!;
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid!;
  }

  /** Everything the process wrote so far, stdout and stderr interleaved as they arrived. */
  get output(): string {
    return this.chunks.join('');
  }

  /** The last few kB of {@link ServiceProcess.output}, for failure messages. */
  tail(chars = 6_000): string {
    return this.output.slice(-chars);
  }

  /** True until the process has exited. */
  get running(): boolean {
    return isRunning(this.child);
  }

  /** Sends `signal` (if it still runs) and waits for the exit. */
  async kill(signal: NodeJS.Signals): Promise<ServiceExit> {
    return signalChild(this.child, this.exited, signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 15_000): Promise<ServiceExit> {
    return stopChild(this.child, this.exited, graceMs);
  }
}
