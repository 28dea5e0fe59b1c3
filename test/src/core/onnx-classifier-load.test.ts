import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelLoadError, readModelFolder, UnknownModelError } from '@switchboard/core';
import { ModelRepository, OnnxClassifier } from '@switchboard/core/inference';
import { expectLoadError, makeTempDir, type TempDir } from '@switchboard/core/testing';
import { buildMeanPoolModel, TEST_FEATURIZER, writeFeaturizerModel } from '@switchboard/train/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let tmp: TempDir;
let counter = 0;

beforeAll(async () => {
  tmp = await makeTempDir('switchboard-classifier-load-');
});
afterAll(async () => {
  await tmp.remove();
});

async function folder(options: Parameters<typeof writeFeaturizerModel>[1] = {}): Promise<string> {
  const dir = join(tmp.path, `model-${counter++}`);
  await writeFeaturizerModel(dir, options);
  return dir;
}

async function load(dir: string): Promise<OnnxClassifier> {
  return OnnxClassifier.load(await readModelFolder(dir));
}

describe('OnnxClassifier.load rejects graphs that do not fit', () => {
  it('rejects a model.onnx of garbage bytes', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'model.onnx'), Buffer.from('this is not a protobuf \u0000\u00ff\u0013 at all'));
    await expectLoadError(load(dir), join(dir, 'model.onnx'), /not a usable ONNX model/);
  });

  it('rejects an empty model.onnx', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'model.onnx'), new Uint8Array(0));
    await expectLoadError(load(dir), join(dir, 'model.onnx'), /not a usable ONNX model/);
  });

  it('rejects a graph whose logits are wider than the label list', async () => {
    const dir = await folder({ labels: ['negative', 'positive'], graph: { classes: 3 } });
    await expectLoadError(
      load(dir),
      join(dir, 'model.onnx'),
      /logits of shape \[2, 3\] but config\.json has 2 labels/,
    );
  });

  it('rejects a graph whose logits are narrower than the label list', async () => {
    const dir = await folder({ labels: ['a', 'b', 'c'], graph: { classes: 2 } });
    await expectLoadError(load(dir), join(dir, 'model.onnx'), /\[2, 2\] but config\.json has 3 labels/);
  });

  it('rejects a graph without input_ids', async () => {
    const dir = await folder({ graph: { idsName: 'token_ids' } });
    await expectLoadError(
      load(dir),
      join(dir, 'model.onnx'),
      /no input input_ids \(it takes token_ids, attention_mask\)/,
    );
  });

  it('rejects a graph without attention_mask', async () => {
    const dir = await folder({ graph: { withMask: false } });
    await expectLoadError(
      load(dir),
      join(dir, 'model.onnx'),
      /no input attention_mask \(it takes input_ids\)/,
    );
  });

  it('rejects a graph that needs an input Switchboard cannot give', async () => {
    const dir = await folder({ graph: { extraInputs: ['pixel_values'] } });
    await expectLoadError(
      load(dir),
      join(dir, 'model.onnx'),
      /needs inputs Switchboard cannot give: pixel_values/,
    );
  });

  it('accepts a graph that takes int32 ids', async () => {
    const dir = await folder({ graph: { idType: 'int32' } });
    const int32 = await load(dir);
    const int64Dir = await folder();
    const int64 = await load(int64Dir);
    try {
      const texts = ['a fine day', 'terrible, awful service', ''];
      const a = await int32.classify(texts);
      const b = await int64.classify(texts);
      // Same weights (same seed), so the id type must not change a single score.
      for (let i = 0; i < texts.length; i++) {
        for (const [j, s] of a[i]!.labels.entries()) {
          expect(s.label).toBe(b[i]!.labels[j]!.label);
          expect(s.score).toBeCloseTo(b[i]!.labels[j]!.score, 6);
        }
      }
    } finally {
      await int32.close();
      await int64.close();
    }
  });
});

describe('ModelRepository', () => {
  it('answers an unknown model with UnknownModelError and loads known ones once', async () => {
    const root = join(tmp.path, 'repo');
    await writeFeaturizerModel(join(root, 'sentiment'));
    const repo = new ModelRepository(root);
    try {
      const err = await repo.get('sentimen').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnknownModelError);
      expect((err as UnknownModelError).available).toEqual(['sentiment']);
      const first = await repo.get('sentiment');
      expect(await repo.get('sentiment')).toBe(first);
      await expect(repo.loadAll(['sentiment', 'nope'])).rejects.toBeInstanceOf(UnknownModelError);
    } finally {
      await repo.close();
      await repo.close();
    }
  });

  it('does not cache a failed load, so a fixed folder loads', async () => {
    const root = join(tmp.path, 'repo-fix');
    const dir = join(root, 'spam');
    await writeFeaturizerModel(dir);
    await writeFile(join(dir, 'model.onnx'), 'garbage');
    const repo = new ModelRepository(root);
    try {
      await expect(repo.get('spam')).rejects.toBeInstanceOf(ModelLoadError);
      await writeFile(
        join(dir, 'model.onnx'),
        buildMeanPoolModel({ vocab: TEST_FEATURIZER.buckets, classes: 2 }),
      );
      const classifier = await repo.get('spam');
      expect((await classifier.classify(['hello']))[0]!.labels).toHaveLength(2);
    } finally {
      await repo.close();
    }
  });
});
