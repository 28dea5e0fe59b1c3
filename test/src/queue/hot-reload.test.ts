import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassifyQueue, type ClassifyResult } from '@switchboard/core';
import type { WorkerAnnouncement } from '@switchboard/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cueLabel, writeCueModel } from '../helpers/cue-model.js';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { testRequest } from '../helpers/requests.js';
import { runCli } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';

// Hot reload as the issue asks: while 1,000 jobs flow through two worker processes, a version is
// added with `switchboard models add` and becomes the default; later a version is removed. No job
// fails, every result names the version that ran it, and jobs enqueued once both workers show the
// switch run on the new default.

const redisUrl = SHARED_REDIS_URL;
const prefix = uniquePrefix('reload');
const MODEL = 'weather';
const POLL_MS = 200;
let root: string;
let repo: string;
let workers: WorkerProcess[] = [];
let queue: ClassifyQueue;
let redis: Redis;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'switchboard-reload-'));
  repo = join(root, 'models');
  await writeCueModel(join(repo, MODEL, '1'));
  // The folder to add later, outside the repository (a cue model of another version string).
  await writeCueModel(join(root, 'incoming'), '2.0.0-rc');
  const env = { SWITCHBOARD_MODEL_POLL_MS: String(POLL_MS), WORKER_CONCURRENCY: '8' };
  workers = await Promise.all(
    [0, 1].map((i) =>
      startWorker({
        redisUrl,
        prefix,
        modelsDir: repo,
        env: { ...env, SWITCHBOARD_WORKER_INDEX: String(i) },
      }),
    ),
  );
  queue = await ClassifyQueue.connect({ redisUrl, prefix });
  redis = new Redis(redisUrl);
});

afterAll(async () => {
  await queue?.close();
  await Promise.all(workers.map((w) => w.stop()));
  redis?.disconnect();
  await deletePrefixKeys(redisUrl, prefix);
  await rm(root, { recursive: true, force: true });
});

/** The default version of MODEL each live worker reports in its heartbeat, and what it has loaded. */
async function workerViews(): Promise<{ default?: string; loaded: readonly string[] }[]> {
  const keys = await redis.keys(`${prefix}:workers:*`);
  const values = keys.length > 0 ? await redis.mget(keys) : [];
  return values
    .filter((v): v is string => v !== null)
    .map((v) => JSON.parse(v) as WorkerAnnouncement)
    .filter((a) => workers.some((w) => w.pid === a.pid))
    .map((a) => {
      const m = a.registry?.models.find((x) => x.name === MODEL);
      return { default: m?.default, loaded: m?.loaded ?? [] };
    });
}

async function untilBothWorkers(
  what: string,
  ok: (v: { default?: string; loaded: readonly string[] }) => boolean,
) {
  await waitFor(
    async () => {
      const views = await workerViews();
      return views.length === 2 && views.every(ok);
    },
    { what, timeoutMs: 30_000, intervalMs: 25 },
  );
  return Date.now();
}

interface Sent {
  readonly at: number;
  readonly text: string;
  readonly result: Promise<ClassifyResult>;
}

/**
 * Enqueues `count` jobs for the bare model name at a steady pace, starts `midway` after `at` of
 * them, and holds the last `tail` until `midway` is done, so that some jobs surely follow it.
 */
async function flow(count: number, at: number, tail: number, midway: () => Promise<void>): Promise<Sent[]> {
  const sent: Sent[] = [];
  let pending: Promise<void> | undefined;
  for (let i = 0; i < count; i++) {
    if (i === at) pending = midway();
    if (i === count - tail) await pending;
    const text = ['sunny morning', 'rainy evening', 'the meeting'][i % 3]!;
    const at0 = Date.now();
    sent.push({ at: at0, text, result: queue.enqueueAndWait(testRequest(MODEL, [text]), 60_000) });
    if (i % 10 === 9) await new Promise((r) => setTimeout(r, 15));
  }
  await pending;
  return sent;
}

describe('hot reload under load, two worker processes', () => {
  it('adds a version that becomes the default, then removes it, without failing a job', async () => {
    expect((await workerViews()).map((v) => v.default)).toEqual(['1', '1']);

    // 1. Add version 2 with the CLI midway through 1,000 jobs.
    let visibleAt = Number.POSITIVE_INFINITY;
    const added = await flow(1_000, 300, 200, async () => {
      const run = await runCli([
        'models',
        'add',
        join(root, 'incoming'),
        '--name',
        MODEL,
        '--version',
        '2',
        '--models-dir',
        repo,
      ]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      visibleAt = await untilBothWorkers('both workers to route to version 2', (v) => v.default === '2');
    });
    const results = await Promise.all(added.map((s) => s.result));
    const versions = results.map((r) => r.version);
    for (const [i, r] of results.entries()) {
      expect(r.model).toBe(MODEL);
      expect(['1', '2']).toContain(r.version);
      expect(r.results[0]!.top.label).toBe(cueLabel(added[i]!.text));
    }
    expect(versions.filter((v) => v === '1').length).toBeGreaterThan(0);
    const after = added.filter((s) => s.at >= visibleAt);
    expect(after.length).toBeGreaterThanOrEqual(200);
    for (const s of after) expect((await s.result).version).toBe('2');
    // Version 1 is still there and still answers when asked by name.
    const pinned = await queue.enqueueAndWait(testRequest(`${MODEL}@1`, ['sunny']), 20_000);
    expect(pinned).toMatchObject({ model: MODEL, version: '1' });

    // 2. Remove version 2 (moved out of the repository in one rename) while jobs flow.
    let removedAt = Number.POSITIVE_INFINITY;
    const removed = await flow(500, 150, 100, async () => {
      await rename(join(repo, MODEL, '2'), join(root, 'removed-2'));
      removedAt = await untilBothWorkers(
        'both workers to drop version 2',
        (v) => v.default === '1' && !v.loaded.includes('2'),
      );
    });
    const removedResults = await Promise.all(removed.map((s) => s.result));
    for (const r of removedResults) expect(['1', '2']).toContain(r.version);
    const afterRemoval = removed.filter((s) => s.at >= removedAt);
    expect(afterRemoval.length).toBeGreaterThanOrEqual(100);
    for (const s of afterRemoval) expect((await s.result).version).toBe('1');

    const counts = await queue.counts();
    expect(counts.failed).toBe(0);
    expect(counts.completed).toBeGreaterThanOrEqual(1_501);
    for (const w of workers) expect(w.running).toBe(true);
  }, 180_000);
});
