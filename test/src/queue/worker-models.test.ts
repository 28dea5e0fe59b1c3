import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelLoadError, readModelFolder, SwitchboardError, UnknownModelError } from '@switchboard/core';
import { OnnxClassifier } from '@switchboard/core/inference';
import { InferenceThread, PROFILE_BATCH, profileBatching, WorkerModels } from '@switchboard/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cueLabel, writeCueModel } from '../helpers/cue-model.js';
import { createTestModels, FAST_MODEL, SLOW_MODEL, type TestModels } from '../helpers/test-models.js';

const TEXTS = [
  'sunny and warm all day',
  'rainy again, what a rainy week',
  'the meeting moved to Tuesday',
  '',
  'sunny sunny sunny '.repeat(40),
];

let models: TestModels;

beforeAll(async () => {
  // About 4 ms a run: clearly over the 1 ms placement threshold however quiet the machine is
  // (64 rows x 24 layers measured 0.9 ms on an idle 2-core machine and was placed inline).
  models = await createTestModels({ slow: { rows: 128, layers: 48 } });
});
afterAll(async () => {
  await models.remove();
});

describe('WorkerModels: where a model runs', () => {
  it('runs a cheap model on the main thread and a costly one in the inference thread', async () => {
    const auto = new WorkerModels(models.dir);
    const never = new WorkerModels(models.dir, { inferenceThread: 'never' });
    try {
      const fast = await auto.get(FAST_MODEL);
      const slow = await auto.get(SLOW_MODEL);
      expect(fast.placement).toBe('inline');
      expect(slow.placement).toBe('thread');
      expect((await fast.run(fast.encode(['sunny'])))[0]!.top.label).toBe('positive');
      expect((await slow.run(slow.encode(['rainy'])))[0]!.top.label).toBe('negative');
      expect((await never.get(SLOW_MODEL)).placement).toBe('inline');
    } finally {
      await never.close();
      await auto.close();
    }
  });
});

describe('WorkerModels: sessions in the inference thread', () => {
  it('gives the scores of an in-process classifier, batched, with the main thread encoding', async () => {
    const threaded = new WorkerModels(models.dir, { inferenceThread: 'always' });
    const local = await OnnxClassifier.load(await readModelFolder(join(models.dir, FAST_MODEL)));
    try {
      const model = await threaded.get(FAST_MODEL);
      expect(model.manifest.name).toBe(FAST_MODEL);
      const encoded = model.encode(TEXTS);
      const [inThread, inProcess] = await Promise.all([model.run(encoded), local.run(local.encode(TEXTS))]);
      expect(inThread.map((r) => r.top.label)).toEqual(TEXTS.map(cueLabel));
      inThread.forEach((r, i) => {
        const expected = inProcess[i]!;
        expect(r.truncated).toBe(expected.truncated);
        r.labels.forEach((l, j) => {
          expect(l.label).toBe(expected.labels[j]!.label);
          expect(l.score).toBeCloseTo(expected.labels[j]!.score, 6);
        });
      });
      // Loaded once: a second get hands back the same model.
      expect(await threaded.get(FAST_MODEL)).toBe(model);
    } finally {
      await local.close();
      await threaded.close();
    }
  });

  it('rejects an unknown model with UnknownModelError and a broken graph with ModelLoadError naming it', async () => {
    const threaded = new WorkerModels(models.dir, { inferenceThread: 'always' });
    const broken = join(models.dir, 'broken');
    await writeCueModel(broken);
    await writeFile(join(broken, 'model.onnx'), Buffer.from('not a protobuf'));
    try {
      await expect(threaded.get('no-such-model')).rejects.toBeInstanceOf(UnknownModelError);
      const err = await threaded.get('broken').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ModelLoadError);
      expect((err as ModelLoadError).file).toBe(join(broken, 'model.onnx'));
      expect((err as ModelLoadError).message).toMatch(/model\.onnx: not a usable ONNX model/);
      // A failed load is not kept: once the folder is fixed the same process loads it.
      await writeCueModel(broken);
      const fixed = await threaded.get('broken');
      const [result] = await fixed.run(fixed.encode(['sunny']));
      expect(result!.top.label).toBe('positive');
      // The broken load did not take the thread down for the other models.
      const fast = await threaded.get(FAST_MODEL);
      expect((await fast.run(fast.encode(['rainy'])))[0]!.top.label).toBe('negative');
    } finally {
      await threaded.close();
    }
  });

  it('keeps the main thread free while a run is in flight', async () => {
    const threaded = new WorkerModels(models.dir, { inferenceThread: 'always' });
    try {
      const slow = await threaded.get(SLOW_MODEL);
      const batch = slow.encode(Array.from({ length: 64 }, (_, i) => `sunny day ${i}`));
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 1);
      const started = performance.now();
      const results = await slow.run(batch);
      const ms = performance.now() - started;
      clearInterval(ticker);
      expect(results.every((r) => r.top.label === 'positive')).toBe(true);
      // A blocked event loop would fire the 1 ms interval at most once or twice during the run;
      // a free one fires it many times (timers are coarse under load, so only a fraction is asked).
      expect(ms).toBeGreaterThan(20);
      expect(ticks).toBeGreaterThan(Math.min(10, ms / 10));
    } finally {
      await threaded.close();
    }
  });
});

describe('profileBatching', () => {
  it('times single and batched runs of a loaded model through the thread', async () => {
    const threaded = new WorkerModels(models.dir, { inferenceThread: 'always' });
    try {
      const p = await profileBatching(await threaded.get(SLOW_MODEL), 3);
      expect(p.singleMs).toBeGreaterThan(0);
      expect(p.batchMs).toBeGreaterThan(0);
      expect(p.gain).toBeCloseTo((PROFILE_BATCH * p.singleMs) / p.batchMs, 9);
      // The slow model's cost grows with the texts of a run: a batch of 8 is never as cheap as one.
      expect(p.batchMs).toBeGreaterThan(p.singleMs);
    } finally {
      await threaded.close();
    }
  });
});

describe('InferenceThread', () => {
  it('rejects runs waiting when it is closed, and every call after', async () => {
    const thread = new InferenceThread({});
    const manifest = await readModelFolder(join(models.dir, SLOW_MODEL));
    await thread.load(SLOW_MODEL, manifest);
    const threaded = new WorkerModels(models.dir, { inferenceThread: 'always' });
    const encoder = await threaded.get(SLOW_MODEL);
    const batch = encoder.encode(Array.from({ length: 64 }, () => 'rainy'));
    const waiting = thread.run(SLOW_MODEL, batch);
    const failed = waiting.then(
      () => undefined,
      (e: unknown) => e,
    );
    await thread.close();
    await threaded.close();
    const err = await failed;
    expect(err).toBeInstanceOf(SwitchboardError);
    expect((err as SwitchboardError).code).toBe('inference_failed');
    expect(thread.alive).toBe(false);
    await expect(thread.run(SLOW_MODEL, batch)).rejects.toThrow(/closed/);
    await thread.close();
  });

  it('releases an unloaded model: runs of it are then refused, the others go on', async () => {
    const thread = new InferenceThread({});
    try {
      await thread.load(FAST_MODEL, await readModelFolder(join(models.dir, FAST_MODEL)));
      await thread.load(SLOW_MODEL, await readModelFolder(join(models.dir, SLOW_MODEL)));
      const batch = [{ ids: [1, 2], truncated: false }];
      expect(await thread.run(FAST_MODEL, batch)).toHaveLength(1);
      await thread.unload(FAST_MODEL);
      await expect(thread.run(FAST_MODEL, batch)).rejects.toThrow(/is not loaded/);
      expect(await thread.run(SLOW_MODEL, batch)).toHaveLength(1);
    } finally {
      await thread.close();
    }
  });

  it('answers a run for a model it has not loaded with an error, not a hang', async () => {
    const thread = new InferenceThread({});
    try {
      await expect(thread.run('never-loaded', [{ ids: [1, 2], truncated: false }])).rejects.toThrow(
        /never-loaded is not loaded/,
      );
      expect(thread.alive).toBe(true);
    } finally {
      await thread.close();
    }
  });
});
