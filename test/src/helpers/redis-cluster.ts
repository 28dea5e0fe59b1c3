import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);

/**
 * A Redis Cluster of the test's own: `masters` `redis-server --cluster-enabled yes` processes on
 * free loopback ports, joined with `redis-cli --cluster create` (no replicas), ready once every
 * node reports `cluster_state:ok`. Its data folder is a temporary one.
 */
export class RedisCluster {
  private constructor(
    readonly ports: readonly number[],
    private readonly dir: string,
    private readonly processes: ChildProcess[],
  ) {}

  /** Starts and joins the nodes. */
  static async start(masters = 3): Promise<RedisCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-cluster-'));
    const ports: number[] = [];
    const processes: ChildProcess[] = [];
    const cluster = new RedisCluster(ports, dir, processes);
    try {
      for (let i = 0; i < masters; i++) {
        const port = await freePort();
        ports.push(port);
        // Each node needs its own folder: nodes.conf is written to the working directory.
        const nodeDir = join(dir, String(port));
        await run('mkdir', ['-p', nodeDir]);
        const child = spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(nodeDir, 'nodes.conf'),
            '--cluster-node-timeout',
            '2000',
            '--dir',
            nodeDir,
            '--save',
            '',
            '--appendonly',
            'no',
            '--daemonize',
            'no',
          ],
          { stdio: 'ignore' },
        );
        processes.push(child);
      }
      for (const port of ports) {
        await waitFor(async () => (await cli(port, 'PING')).trim() === 'PONG', { timeoutMs: 10_000 });
      }
      await run('redis-cli', [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]);
      for (const port of ports) {
        await waitFor(async () => (await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'), {
          timeoutMs: 15_000,
        });
      }
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  /** `host:port,...` as `REDIS_CLUSTER_NODES` takes it. */
  get nodes(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(',');
  }

  /** Runs a command on the node that owns `key`'s slot (redis-cli follows the redirect). */
  async command(...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-c', '-p', String(this.ports[0]), ...args]);
    return stdout.trim();
  }

  /** Stops every node and deletes the data folder. Safe to call more than once. */
  async stop(): Promise<void> {
    await Promise.all(
      this.processes.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function cli(port: number, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('redis-cli', ['-p', String(port), ...args]);
    return stdout;
  } catch {
    return '';
  }
}
