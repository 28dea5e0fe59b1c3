import { type ChildProcess, fork } from 'node:child_process';
import { entryExecArgv, type ServiceReadyMessage } from '@switchboard/core';
import type { FoundService } from './find-services.js';

/** Options of {@link ServiceProcess}. */
export interface ServiceProcessOptions {
  /** Environment of the child (Redis URL and the person's configuration). */
  env: NodeJS.ProcessEnv;
  /** Extra command-line arguments. */
  args?: readonly string[];
  /** Longest the child may take to say it is ready. Default 120 s (models load first). */
  startTimeoutMs?: number;
  /** Longest a graceful stop may take before SIGKILL. Default 30 s. */
  stopTimeoutMs?: number;
  /** Reports unexpected exits and restarts. */
  log: (line: string) => void;
}

/**
 * One service of the stack in its own Node process, running its declared, compiled entry with plain
 * `node`. Waits for its ready handshake, restarts it with a growing delay if it dies, and stops it
 * with SIGTERM so that it can drain.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restarts = 0;
  private closing: Promise<void> | undefined;

  constructor(
    readonly service: FoundService,
    private readonly options: ServiceProcessOptions,
  ) {}

  /** Starts the process; resolves with its ready message, rejects if it exits or times out first. */
  start(): Promise<ServiceReadyMessage> {
    return new Promise((resolve, reject) => {
      const child = fork(this.service.entryPath, [...(this.options.args ?? [])], {
        env: this.options.env,
        execArgv: entryExecArgv(this.service.entryPath),
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      this.child = child;
      let ready = false;
      const timer = setTimeout(() => {
        if (ready) return;
        child.kill('SIGKILL');
        reject(
          new Error(`${this.service.name} did not start within ${this.options.startTimeoutMs ?? 120_000} ms`),
        );
      }, this.options.startTimeoutMs ?? 120_000);
      child.on('message', (msg: ServiceReadyMessage) => {
        if (msg?.type !== 'ready' || ready) return;
        ready = true;
        clearTimeout(timer);
        this.restarts = 0;
        resolve(msg);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (!ready) {
          reject(
            new Error(
              `${this.service.name} exited during start-up (code ${code ?? signal}); see its output above`,
            ),
          );
          return;
        }
        // Exit code 0 is a deliberate stop: Ctrl-C in a terminal reaches the whole process group,
        // so services often drain and exit before the stack's own stop() has run.
        if (this.stopping || code === 0) return;
        this.restarts += 1;
        const delay = Math.min(1_000 * 2 ** (this.restarts - 1), 30_000);
        this.options.log(
          `${this.service.name} stopped unexpectedly (code ${code ?? signal}); restarting in ${delay} ms`,
        );
        setTimeout(() => {
          if (!this.stopping) this.start().catch((err: Error) => this.options.log(err.message));
        }, delay).unref();
      });
    });
  }

  /** SIGTERM, then SIGKILL after the stop timeout. Safe to call more than once. */
  stop(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      this.stopping = true;
      const child = this.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs ?? 30_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
    return this.closing;
  }
}
