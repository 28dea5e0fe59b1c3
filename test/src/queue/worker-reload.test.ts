import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerModels } from '@switchboard/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCueModel } from '../helpers/cue-model.js';

// WorkerModels.refresh in one process: what a poll does with added, broken, replaced and removed
// version folders, and how a job's hold keeps a retiring session alive.

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'switchboard-worker-reload-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('WorkerModels.refresh', () => {
  it('skips a broken new version, keeps serving the old default, and reports the file', async () => {
    const repo = join(root, 'broken');
    await writeCueModel(join(repo, 'weather', '1'));
    const models = new WorkerModels(repo, { inferenceThread: 'never' });
    try {
      await models.refresh();
      expect((await models.get('weather')).manifest.ref).toBe('weather@1');
      // A hand-copied folder whose graph is not ONNX: newer, so it would be the default.
      await writeCueModel(join(repo, 'weather', '2'));
      await writeFile(join(repo, 'weather', '2', 'model.onnx'), 'half a file');
      const report = await models.refresh();
      expect(report.failed).toEqual([
        expect.objectContaining({ ref: 'weather@2', file: join(repo, 'weather', '2', 'model.onnx') }),
      ]);
      expect((await models.get('weather')).manifest.ref).toBe('weather@1');
      expect(models.view()).toEqual([{ name: 'weather', default: '1', loaded: ['1'], versions: ['1', '2'] }]);
      expect(models.loadFailures.map((f) => f.ref)).toEqual(['weather@2']);
      // Fixed in place: the next poll loads it and routes to it.
      await writeCueModel(join(repo, 'weather', '2'));
      expect((await models.refresh()).added).toEqual(['weather@2']);
      expect((await models.get('weather')).manifest.ref).toBe('weather@2');
      expect(models.loadFailures).toEqual([]);
    } finally {
      await models.close();
    }
  });

  it('lets jobs holding a removed version finish on it, then releases it', async () => {
    const repo = join(root, 'removed');
    await writeCueModel(join(repo, 'weather', '1'));
    await writeCueModel(join(repo, 'weather', '2'));
    const models = new WorkerModels(repo, { inferenceThread: 'never' });
    try {
      await models.refresh();
      const lease = await models.acquire('weather');
      expect(lease.model.manifest.ref).toBe('weather@2');
      await rename(join(repo, 'weather', '2'), join(root, 'gone-2'));
      expect((await models.refresh()).removed).toEqual(['weather@2']);
      // The held session still runs; new jobs go to version 1.
      const [held] = await lease.model.run(lease.model.encode(['sunny']));
      expect(held!.top.label).toBe('positive');
      expect((await models.get('weather')).manifest.ref).toBe('weather@1');
      await expect(models.get('weather@2')).rejects.toThrow(/Unknown model "weather@2"/);
      lease.release();
      // Released once the last hold ends: a run on it now fails.
      await new Promise((r) => setTimeout(r, 50));
      await expect(lease.model.run(lease.model.encode(['sunny']))).rejects.toThrow(/closed/);
    } finally {
      await models.close();
    }
  });
});
