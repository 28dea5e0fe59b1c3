import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** Options of {@link RedisServer.start}. */
export interface RedisServerOptions {
  /** Keep an append-only file in the data folder, so data survives a restart. Default false. */
  appendOnly?: boolean;
  /** `appendfsync`: `always` syncs every write, so even a SIGKILL loses nothing acknowledged. Default Redis's own (`everysec`). */
  appendFsync?: 'always' | 'everysec' | 'no';
  /** `requirepass`: clients must authenticate (the URL then carries the password). */
  password?: string;
  /** Addresses to listen on besides 127.0.0.1 (e.g. a test network namespace's host side). */
  alsoBind?: readonly string[];
}

const READY = /Ready to accept connections/;

/**
 * A `redis-server` of the test's own on a free port, for tests that stop, restart or break Redis
 * (the shared one must never be touched that way). Its data folder is a temporary one.
 */
export class RedisServer {
  readonly port: number;
  readonly dataDir: string;
  private readonly options: RedisServerOptions;
  private process: ChildProcess | undefined;
  private log = '';

  private constructor(port: number, dataDir: string, options: RedisServerOptions) {
    this.port = port;
    this.dataDir = dataDir;
    this.options = options;
  }

  /** Starts a server on a free port and resolves once it accepts connections. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-redis-'));
    const server = new RedisServer(await freePort(), dataDir, options);
    await server.resume();
    return server;
  }

  /** `redis://127.0.0.1:<port>`, with the password when one is required. */
  get url(): string {
    const auth = this.options.password ? `:${encodeURIComponent(this.options.password)}@` : '';
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  /** True while the server process runs. */
  get running(): boolean {
    return this.process !== undefined;
  }

  /** Starts the server again on the same port and data folder (after {@link RedisServer.stop}). */
  resume(): Promise<void> {
    if (this.process) return Promise.resolve();
    const args = [
      '--port',
      String(this.port),
      '--bind',
      ['127.0.0.1', ...(this.options.alsoBind ?? [])].join(' '),
      '--dir',
      this.dataDir,
      '--save',
      '',
      '--appendonly',
      this.options.appendOnly ? 'yes' : 'no',
      ...(this.options.appendFsync ? ['--appendfsync', this.options.appendFsync] : []),
      ...(this.options.password ? ['--requirepass', this.options.password] : []),
      '--daemonize',
      'no',
    ];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        this.log = (this.log + chunk.toString()).slice(-4_000);
        if (READY.test(this.log)) {
          child.stdout?.off('data', onData);
          // Keep draining so a chatty server never blocks on a full pipe.
          child.stdout?.resume();
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => {
        this.log = (this.log + chunk.toString()).slice(-4_000);
      });
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        if (this.process === child) this.process = undefined;
        reject(new Error(`redis-server exited during start (code ${code}, signal ${signal}):\n${this.log}`));
      });
    });
  }

  /**
   * Stops the server and waits for it to exit: SIGTERM lets it write its append-only file first,
   * SIGKILL is a crash (only what `appendfsync` already synced survives).
   */
  stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.process;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => {
        this.process = undefined;
        resolve();
      });
      child.kill(signal);
    });
  }

  /** Stops and starts the server on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.resume();
  }

  /** Stops the server and deletes its data folder. */
  async close(): Promise<void> {
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
