import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../helpers/worker-process.js';

/** The Discord plugin's process entry. */
export const DISCORD_MAIN = fileURLToPath(
  new URL('../../../plugins/discord/dist/discord-main.js', import.meta.url),
);

/** How the process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `discord-main.ts` run as the stack runs it: its own process, environment and IPC channel. */
export class PluginProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  private output = '';

  private constructor(env: Record<string, string>) {
    this.child = fork(DISCORD_MAIN, [], {
      cwd: REPO_ROOT,
      execArgv: [],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-8_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** Starts the process; resolves with it and its `ready` message. */
  static async start(
    env: Record<string, string>,
    timeoutMs = 30_000,
  ): Promise<{ plugin: PluginProcess; ready: Record<string, unknown> }> {
    const plugin = new PluginProcess(env);
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`plugin not ready within ${timeoutMs} ms:\n${plugin.log}`)),
        timeoutMs,
      );
      plugin.child.on('message', (message: Record<string, unknown>) => {
        if (message?.type !== 'ready') return;
        clearTimeout(timer);
        resolve(message);
      });
      void plugin.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`plugin exited before ready (code ${code}, signal ${signal}):\n${plugin.log}`));
      });
    });
    return { plugin, ready };
  }

  /** Runs the process to its end (for start-up failures); resolves with its exit and output. */
  static async run(env: Record<string, string>): Promise<Exit & { output: string }> {
    const plugin = new PluginProcess(env);
    const exit = await plugin.exited;
    return { ...exit, output: plugin.log };
  }

  /** What the process wrote. */
  get log(): string {
    return this.output;
  }

  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  async stop(graceMs = 15_000): Promise<Exit> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    this.child.kill('SIGTERM');
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
