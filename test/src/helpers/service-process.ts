import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServiceReadyMessage } from '@switchboard/core';
import { isRunning, signalChild, stopChild } from './child-control.js';
import { REPO_ROOT, WORKER_ENTRY } from './worker-process.js';

const entry = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** The compiled process entry of every service, as `switchboard start` runs them. */
export const SERVICE_ENTRIES = {
  worker: WORKER_ENTRY,
  http: entry('plugins/http/dist/http-main.js'),
  slack: entry('plugins/slack/dist/slack-main.js'),
  discord: entry('plugins/discord/dist/discord-main.js'),
  dashboard: entry('dashboard/dist/dashboard-main.js'),
} as const;

/** A service of {@link SERVICE_ENTRIES}. */
export type ServiceName = keyof typeof SERVICE_ENTRIES;

/** How a service process ended. */
export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Most output kept per process; a test that needs more is writing far too much. */
const MAX_OUTPUT_CHARS = 32 * 1024 * 1024;

/**
 * One service run as its own `node` process on its compiled entry, as the stack runs it:
 * configured only through its environment, ready once it sends its IPC `ready` message. Unlike the
 * worker helper it keeps everything the process writes (stdout and stderr), for tests that read the
 * whole log.
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
    this.child = fork(SERVICE_ENTRIES[name], [], {
      cwd: REPO_ROOT,
      execArgv: [],
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
