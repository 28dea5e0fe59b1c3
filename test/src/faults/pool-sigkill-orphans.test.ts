import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';

// `switchboard worker --processes 2` is a pool process that forks two worker processes over IPC.
// SIGKILL gives the pool no chance to stop them; they must notice the IPC channel close and exit
// on their own instead of running on as orphans.

const redisUrl = SHARED_REDIS_URL;
const prefix = uniquePrefix('pool-orphans');
let models: TestModels;
let pool: WorkerProcess | undefined;
let children: number[] = [];

/** True while `pid` runs. A zombie (exited, not yet reaped by whoever adopted it) counts as gone. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is the first.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return false;
  }
}

beforeAll(async () => {
  models = await createTestModels();
  pool = await startWorker({
    redisUrl,
    prefix,
    modelsDir: models.dir,
    env: { WORKER_PROCESSES: '2', SWITCHBOARD_WORKER_MODELS: FAST_MODEL, WORKER_SHUTDOWN_MS: '3000' },
    readyTimeoutMs: 60_000,
  });
  const ready = pool.ready as unknown as { processes?: { pid: number }[] };
  children = (ready.processes ?? []).map((p) => p.pid);
});

afterAll(async () => {
  await pool?.stop();
  // If the test failed, do not leave the orphans it found running.
  for (const pid of children) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await deletePrefixKeys(redisUrl, prefix);
  await models?.remove();
});

it('leaves no worker process running after the pool is SIGKILLed', async () => {
  expect(children).toHaveLength(2);
  for (const pid of children) {
    expect(pid).not.toBe(pool!.pid);
    expect(alive(pid)).toBe(true);
  }
  await pool!.kill('SIGKILL');
  // Bounded by WORKER_SHUTDOWN_MS + 5 s in the worker; nothing is in flight, so it is quick.
  await waitFor(() => children.every((pid) => !alive(pid)), {
    timeoutMs: 20_000,
    what: `worker processes ${children.join(', ')} to exit after their pool was killed`,
  });
});
