import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { ReadyMessage } from '@switchboard/worker';
import { REPO_ROOT, WORKER_ENTRY } from './worker-process.js';

const run = promisify(execFile);

/** One "machine" of a multi-host test: where its processes run and how it reaches Redis. */
export interface TestHost {
  readonly name: string;
  /** The address this host reaches Redis at. */
  readonly redisHost: string;
  /** Command words that put a process on this host (`ip netns exec <ns>`), empty for a process group. */
  readonly prefix: readonly string[];
  /** Worker processes started on it. */
  readonly workers: HostWorker[];
}

/**
 * Hosts made of network namespaces: each namespace has only its loopback and one end of a veth
 * pair whose other end stays in the test's namespace, on a private /30 of its own. Traffic never
 * leaves the machine. Names are unique per run; {@link NamespaceHosts.remove} deletes them (and
 * with them the veth pairs).
 */
export class NamespaceHosts {
  private constructor(
    readonly hosts: readonly TestHost[],
    /** Addresses of the test's ends of the veth pairs: where Redis must listen. */
    readonly bindAddresses: readonly string[],
    private readonly namespaces: readonly string[],
  ) {}

  /**
   * Makes `count` namespaces, or rejects with the reason they cannot be made here (not root, no
   * `ip`, a kernel without namespaces), after removing whatever part was made.
   */
  static async create(count: number): Promise<NamespaceHosts> {
    const tag = randomBytes(3).toString('hex');
    // A /16 picked at random inside 10/8 so that parallel runs do not collide.
    const net = 64 + (randomBytes(1)[0]! % 128);
    const third = randomBytes(1)[0]! % 200;
    const namespaces: string[] = [];
    const hosts: TestHost[] = [];
    const binds: string[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const ns = `sb-${tag}-h${i}`;
        const outer = `sb${tag}h${i}o`;
        const inner = `sb${tag}h${i}i`;
        const base = `10.${net}.${third + i}`;
        await ip('netns', 'add', ns);
        namespaces.push(ns);
        await ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
        await ip('link', 'set', inner, 'netns', ns);
        await ip('addr', 'add', `${base}.1/30`, 'dev', outer);
        await ip('link', 'set', outer, 'up');
        await ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${base}.2/30`, 'dev', inner);
        await ip('netns', 'exec', ns, 'ip', 'link', 'set', inner, 'up');
        await ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
        binds.push(`${base}.1`);
        hosts.push({ name: ns, redisHost: `${base}.1`, prefix: ['ip', 'netns', 'exec', ns], workers: [] });
      }
      return new NamespaceHosts(hosts, binds, namespaces);
    } catch (err) {
      await removeNamespaces(namespaces);
      throw err;
    }
  }

  /** Kills every process left in the namespaces and deletes them. Safe to call more than once. */
  async remove(): Promise<void> {
    for (const host of this.hosts) await killHost(host);
    await removeNamespaces(this.namespaces);
  }
}

/** Hosts as separate process groups on this machine's loopback: the fallback without namespaces. */
export function processGroupHosts(count: number): TestHost[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `group-${i}`,
    redisHost: '127.0.0.1',
    prefix: [],
    workers: [],
  }));
}

/** A worker process (`worker-main.ts`, one process) started on a host, in a process group of its own. */
export class HostWorker {
  private constructor(
    readonly child: ChildProcess,
    readonly ready: ReadyMessage,
    readonly exited: Promise<void>,
  ) {}

  /** Starts it with `env` added and resolves on its IPC `ready`. */
  static start(host: TestHost, env: Record<string, string>, timeoutMs = 60_000): Promise<HostWorker> {
    const [command, ...args] = [...host.prefix, process.execPath, '--import', 'tsx', WORKER_ENTRY];
    // `ip netns exec` execs node in place, so the IPC channel and the pid are the worker's own.
    const child = spawn(command!, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, WORKER_PROCESSES: '1', WORKER_METRICS_PORT: '0', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    let log = '';
    const keep = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-6_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        killGroup(child, 'SIGKILL');
        reject(new Error(`worker on ${host.name} not ready within ${timeoutMs} ms:\n${log}`));
      }, timeoutMs);
      child.on('message', (message: ReadyMessage) => {
        if (message?.type !== 'ready') return;
        clearTimeout(timer);
        const worker = new HostWorker(child, message, exited);
        host.workers.push(worker);
        resolve(worker);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`worker on ${host.name} exited before ready:\n${log}`));
      });
    });
  }

  /** The worker's pid (BullMQ's `processedBy` holds it). */
  get pid(): number {
    return this.child.pid!;
  }

  /** Stops it gracefully, killing it if it has not exited in `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const timer = setTimeout(() => killGroup(this.child, 'SIGKILL'), graceMs);
    killGroup(this.child, 'SIGTERM');
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Kills every process of a host at once with SIGKILL, as a machine that loses power would stop:
 * in a namespace, every process in it (`ip netns pids`); otherwise each worker's process group.
 */
export async function killHost(host: TestHost): Promise<void> {
  // The workers first, at once; then whatever else runs in the namespace.
  for (const w of host.workers) killGroup(w.child, 'SIGKILL');
  if (host.prefix.length > 0) {
    const ns = host.prefix[host.prefix.length - 1]!;
    const { stdout } = await run('ip', ['netns', 'pids', ns]).catch(() => ({ stdout: '' }));
    for (const pid of stdout.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {}
    }
  }
  await Promise.all(host.workers.map((w) => w.exited));
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

async function ip(...args: string[]): Promise<void> {
  await run('ip', args);
}

async function removeNamespaces(namespaces: readonly string[]): Promise<void> {
  for (const ns of namespaces) await run('ip', ['netns', 'del', ns]).catch(() => {});
}
