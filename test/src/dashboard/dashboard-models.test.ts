import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listWorkers, modelRegistryView } from '@switchboard/dashboard';
import { WorkerHeartbeat, WorkerModels } from '@switchboard/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCueModel } from '../helpers/cue-model.js';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';

// The dashboard's Models section is built from what workers announce in their heartbeats: real
// WorkerModels registries, written by the real WorkerHeartbeat, read back by the dashboard.

const prefix = uniquePrefix('dash-models');
let root: string;
let redis: Redis;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'switchboard-dash-models-'));
  redis = new Redis(SHARED_REDIS_URL);
});
afterAll(async () => {
  redis?.disconnect();
  await deletePrefixKeys(SHARED_REDIS_URL, prefix);
  await rm(root, { recursive: true, force: true });
});

describe('dashboard Models section', () => {
  it('shows models, versions, which worker has which loaded, the last reload and load errors', async () => {
    await writeCueModel(join(root, 'weather', '1'));
    await writeCueModel(join(root, 'weather', '2'));
    await writeCueModel(join(root, 'weather', '3'));
    await writeFile(join(root, 'weather', '3', 'model.onnx'), 'not onnx');
    await writeCueModel(join(root, 'tides'));
    const a = new WorkerModels(root, { inferenceThread: 'never' });
    const b = new WorkerModels(root, { inferenceThread: 'never', preload: ['weather'] });
    const beats: WorkerHeartbeat[] = [];
    try {
      await a.refresh();
      await b.refresh();
      await b.get('weather@1');
      for (const [id, models] of [
        ['worker-a', a],
        ['worker-b', b],
      ] as const) {
        const beat = new WorkerHeartbeat(redis, prefix, () => ({
          id,
          host: 'box',
          pid: 1,
          models: [],
          startedAt: 0,
          metricsPort: 0,
          metricsHost: '127.0.0.1',
          registry: { models: models.view(), lastReload: models.lastReload, errors: models.loadFailures },
        }));
        beat.start();
        beats.push(beat);
      }
      const view = modelRegistryView(await listWorkers(redis, prefix));
      expect(view.models).toEqual([
        { name: 'tides', versions: [{ version: '1.0.0', defaultOn: ['worker-a'], loadedOn: ['worker-a'] }] },
        {
          name: 'weather',
          versions: [
            { version: '1', defaultOn: [], loadedOn: ['worker-b'] },
            { version: '2', defaultOn: ['worker-a', 'worker-b'], loadedOn: ['worker-a', 'worker-b'] },
            { version: '3', defaultOn: [], loadedOn: [] },
          ],
        },
      ]);
      expect(view.reloads.map((r) => r.worker)).toEqual(['worker-a', 'worker-b']);
      for (const r of view.reloads) expect(r.lastReload).toBeGreaterThan(Date.now() - 60_000);
      expect(view.errors.map((e) => [e.worker, e.ref, e.file])).toEqual(
        expect.arrayContaining([
          ['worker-a', 'weather@3', join(root, 'weather', '3', 'model.onnx')],
          ['worker-b', 'weather@3', join(root, 'weather', '3', 'model.onnx')],
        ]),
      );
      expect(view.errors[0]!.error).toMatch(/not a usable ONNX model/);
    } finally {
      await Promise.all(beats.map((b) => b.stop()));
      await a.close();
      await b.close();
    }
  });
});
