import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRedis, DEFAULT_REDIS_URL, redactRedisUrl } from '@switchboard/core';

/** Where the stack found Redis. */
export interface LocatedRedis {
  readonly url: string;
  /** How it was found, for the start-up summary. */
  readonly how: 'REDIS_URL' | 'default' | 'started';
  /** Stops a Redis the stack started itself; no-op otherwise. */
  stop(): Promise<void>;
}

const HOW_TO_GET_REDIS = [
  'Switchboard needs Redis 6.2 or newer and found none:',
  '  - set REDIS_URL to a running server (e.g. REDIS_URL=redis://host:6379), or',
  '  - install a local server: `sudo apt-get install redis-server` (Debian/Ubuntu), `brew install redis` (macOS),',
  '  - or start everything with Docker: `docker compose up`.',
].join('\n');

async function answers(url: string): Promise<boolean> {
  try {
    const redis = await connectRedis(url, 'producer', 1_500);
    redis.disconnect();
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Redis from `REDIS_URL`; else the default 127.0.0.1:6379 when it answers; else a `redis-server`
 * started on a free port (kept in memory, stopped with the stack); else an error saying how to get one.
 */
export async function locateRedis(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  defaultUrl = DEFAULT_REDIS_URL,
): Promise<LocatedRedis> {
  const none = async () => {};
  if (env.REDIS_URL) {
    if (await answers(env.REDIS_URL)) return { url: env.REDIS_URL, how: 'REDIS_URL', stop: none };
    throw new Error(`REDIS_URL is set to ${redactRedisUrl(env.REDIS_URL)} but nothing answers there.`);
  }
  if (await answers(defaultUrl)) return { url: defaultUrl, how: 'default', stop: none };
  if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error(HOW_TO_GET_REDIS);

  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-redis-'));
  log(
    `No Redis at ${defaultUrl}; starting redis-server on port ${port} (in memory, stopped with the stack).`,
  );
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) break;
    if (await answers(url)) {
      return {
        url,
        how: 'started',
        stop: async () => {
          if (child.exitCode === null) {
            await new Promise((resolve) => {
              child.once('exit', resolve);
              child.kill('SIGTERM');
            });
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port}.\n${HOW_TO_GET_REDIS}`);
}
