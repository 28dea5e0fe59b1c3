import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

/** Sent by a worker process to its pool once it takes jobs. */
export interface ReadyMessage {
  type: 'ready';
  index: number;
  pid: number;
  metricsPort: number;
  models: string[];
  /** Jobs the process holds at once (`WORKER_CONCURRENCY`, `auto` resolved). */
  concurrency: number;
}

/** Options of {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** Processes to run. */
  processes: number;
  /** Longest a graceful stop waits before children are killed. */
  shutdownMs: number;
  /** Environment for the children (worker options travel as environment variables). */
  env: NodeJS.ProcessEnv;
  /** Called when a child reports ready. */
  onReady?: (message: ReadyMessage) => void;
}

const ENTRY = fileURLToPath(new URL('./worker-main.js', import.meta.url));

/**
 * Runs N worker processes (onnxruntime is not safe in several threads of one process, so we scale
 * with processes) and restarts any that die, with a growing delay if they keep dying.
 */
export class WorkerPool {
  private readonly children = new Map<number, ChildProcess>();
  private readonly restarts = new Map<number, number>();
  private stopping = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly options: WorkerPoolOptions,
    private readonly log: Logger,
  ) {}

  /** Starts every process; resolves once all have reported ready. */
  async start(): Promise<ReadyMessage[]> {
    return Promise.all(Array.from({ length: this.options.processes }, (_, i) => this.spawn(i)));
  }

  /** PIDs of the running children, by index. */
  pids(): Map<number, number> {
    return new Map([...this.children].map(([i, c]) => [i, c.pid ?? -1]));
  }

  /** SIGTERMs every child and waits for them (killing stragglers). Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping = true;
      const exits = [...this.children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), this.options.shutdownMs + 5_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      );
      await Promise.all(exits);
    })();
    return this.closing;
  }

  private spawn(index: number): Promise<ReadyMessage> {
    return new Promise((resolve, reject) => {
      const child = fork(ENTRY, [], {
        env: { ...this.options.env, SWITCHBOARD_WORKER_INDEX: String(index), WORKER_PROCESSES: '1' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      this.children.set(index, child);
      let ready = false;
      child.on('message', (msg: ReadyMessage) => {
        if (msg?.type !== 'ready') return;
        ready = true;
        this.restarts.set(index, 0);
        this.options.onReady?.(msg);
        resolve(msg);
      });
      child.once('exit', (code, signal) => {
        if (this.stopping) return;
        if (!ready && (this.restarts.get(index) ?? 0) >= 3) {
          reject(new Error(`worker ${index} exited during start-up (code ${code}, signal ${signal})`));
          return;
        }
        const tries = (this.restarts.get(index) ?? 0) + 1;
        this.restarts.set(index, tries);
        const delay = Math.min(500 * 2 ** (tries - 1), 30_000);
        this.log.warn({ worker: index, code, signal, restartInMs: delay }, 'worker process died; restarting');
        setTimeout(() => {
          if (!this.stopping) this.spawn(index).then(ready ? () => {} : resolve, ready ? () => {} : reject);
        }, delay).unref();
      });
    });
  }
}
