import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readModelFolder } from '@switchboard/core';
import { expectLoadError, makeTempDir, type TempDir } from '@switchboard/core/testing';
import { writeFeaturizerModel } from '@switchboard/train/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let tmp: TempDir;
let counter = 0;

beforeAll(async () => {
  tmp = await makeTempDir('switchboard-model-folder-');
});
afterAll(async () => {
  await tmp.remove();
});

/** A fresh, working featurizer model folder to break. */
async function goodFolder(options: Parameters<typeof writeFeaturizerModel>[1] = {}): Promise<string> {
  const dir = join(tmp.path, `model-${counter++}`);
  await writeFeaturizerModel(dir, options);
  return dir;
}

async function editJson(path: string, edit: (value: Record<string, unknown>) => void): Promise<void> {
  const value = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  edit(value);
  await writeFile(path, JSON.stringify(value));
}

describe('readModelFolder', () => {
  it('reads a working folder', async () => {
    const dir = await goodFolder({ labels: ['neg', 'pos'] });
    const manifest = await readModelFolder(dir);
    expect(manifest.labels).toEqual(['neg', 'pos']);
    expect(manifest.encoderKind).toBe('featurizer');
    expect(manifest.onnxPath).toBe(join(dir, 'model.onnx'));
    expect(manifest.multiLabel).toBe(false);
  });

  it('rejects a folder without config.json', async () => {
    const dir = await goodFolder();
    await rm(join(dir, 'config.json'));
    await expectLoadError(readModelFolder(dir), join(dir, 'config.json'), /missing file/);
  });

  it('rejects a config.json that is not JSON', async () => {
    const dir = await goodFolder();
    await writeFile(join(dir, 'config.json'), '{"id2label": {"0": "a",');
    await expectLoadError(readModelFolder(dir), join(dir, 'config.json'), /unreadable JSON/);
  });

  it('rejects a switchboard.json that is not JSON', async () => {
    const dir = await goodFolder();
    await writeFile(join(dir, 'switchboard.json'), 'version: 1.0.0\n');
    await expectLoadError(readModelFolder(dir), join(dir, 'switchboard.json'), /unreadable JSON/);
  });

  it('rejects an empty id2label', async () => {
    const dir = await goodFolder();
    await editJson(join(dir, 'config.json'), (c) => {
      c.id2label = {};
      delete c.label2id;
    });
    await expectLoadError(readModelFolder(dir), join(dir, 'config.json'), /id2label is empty/);
  });

  it('rejects non-contiguous id2label ids', async () => {
    const dir = await goodFolder();
    await editJson(join(dir, 'config.json'), (c) => {
      c.id2label = { '0': 'negative', '2': 'positive' };
      delete c.label2id;
    });
    await expectLoadError(
      readModelFolder(dir),
      join(dir, 'config.json'),
      /id2label ids must run 0\.\.1; found 2/,
    );
  });

  it('rejects id2label keys that are not integers', async () => {
    const dir = await goodFolder();
    await editJson(join(dir, 'config.json'), (c) => {
      c.id2label = { '0': 'negative', one: 'positive' };
      delete c.label2id;
    });
    await expectLoadError(readModelFolder(dir), join(dir, 'config.json'), /id2label.*integers/);
  });

  it('rejects duplicate labels in id2label', async () => {
    const dir = await goodFolder();
    await editJson(join(dir, 'config.json'), (c) => {
      c.id2label = { '0': 'positive', '1': 'positive' };
      delete c.label2id;
    });
    await expectLoadError(readModelFolder(dir), join(dir, 'config.json'), /duplicate labels/);
  });

  it('warns about, and does not refuse, a label2id that disagrees with id2label', async () => {
    const dir = await goodFolder();
    await editJson(join(dir, 'config.json'), (c) => {
      c.label2id = { negative: 1, positive: 0 };
    });
    const manifest = await readModelFolder(dir);
    expect(manifest.labels).toEqual(['negative', 'positive']);
    expect(manifest.warnings.join('\n')).toMatch(
      /config\.json: label2id\["negative"\] disagrees with id2label \(expected 0\); id2label is used/,
    );
  });

  it('warns about a label2id with labels id2label does not have', async () => {
    const dir = await goodFolder();
    await editJson(join(dir, 'config.json'), (c) => {
      c.label2id = { negative: 0, positive: 1, neutral: 2 };
    });
    const manifest = await readModelFolder(dir);
    expect(manifest.warnings).toEqual([expect.stringMatching(/label2id has "neutral".*id2label/)]);
  });

  it('has no warnings when label2id agrees', async () => {
    expect((await readModelFolder(await goodFolder())).warnings).toEqual([]);
  });

  it('refuses a regression head: one label and no problem_type', async () => {
    const dir = await goodFolder({ labels: ['LABEL_0'] });
    await expectLoadError(readModelFolder(dir), join(dir, 'config.json'), /regression head/);
  });

  it('accepts one label when problem_type says multi-label', async () => {
    const dir = await goodFolder({
      labels: ['toxic'],
      config: { problem_type: 'multi_label_classification' },
    });
    expect((await readModelFolder(dir)).labels).toEqual(['toxic']);
  });

  it('rejects a folder with neither tokenizer.json nor a featurizer', async () => {
    const dir = await goodFolder();
    await editJson(join(dir, 'switchboard.json'), (s) => {
      delete s.featurizer;
    });
    await expectLoadError(readModelFolder(dir), join(dir, 'tokenizer.json'), /missing file.*no featurizer/);
  });

  it('rejects a folder without any graph file, naming every file it looked for', async () => {
    const dir = await goodFolder();
    await rm(join(dir, 'model.onnx'));
    await expectLoadError(
      readModelFolder(dir),
      join(dir, 'model.onnx'),
      /missing file.*onnx\/model\.onnx, model_quantized\.onnx, onnx\/model_quantized\.onnx, onnx\/model_int8\.onnx, onnx\/model_fp16\.onnx/,
    );
  });

  it('prefers files in the documented order and lets switchboard.json name the file', async () => {
    const dir = await goodFolder();
    await mkdir(join(dir, 'onnx'));
    const graph = await readFile(join(dir, 'model.onnx'));
    await rm(join(dir, 'model.onnx'));
    for (const f of ['onnx/model_fp16.onnx', 'onnx/model_int8.onnx']) await writeFile(join(dir, f), graph);
    expect((await readModelFolder(dir)).onnxPath).toBe(join(dir, 'onnx', 'model_int8.onnx'));
    await writeFile(join(dir, 'model_quantized.onnx'), graph);
    expect((await readModelFolder(dir)).onnxPath).toBe(join(dir, 'model_quantized.onnx'));
    await editJson(join(dir, 'switchboard.json'), (s) => {
      s.model_file = 'onnx/model_fp16.onnx';
    });
    expect((await readModelFolder(dir)).onnxPath).toBe(join(dir, 'onnx', 'model_fp16.onnx'));
    await editJson(join(dir, 'switchboard.json'), (s) => {
      s.model_file = 'onnx/missing.onnx';
    });
    await expectLoadError(readModelFolder(dir), join(dir, 'onnx', 'missing.onnx'), /names it as model_file/);
    await editJson(join(dir, 'switchboard.json'), (s) => {
      s.model_file = '../elsewhere/model.onnx';
    });
    await expectLoadError(readModelFolder(dir), join(dir, 'switchboard.json'), /model_file/);
  });

  it('finds onnx/model.onnx when model.onnx is absent', async () => {
    const dir = await goodFolder();
    await mkdir(join(dir, 'onnx'));
    await rename(join(dir, 'model.onnx'), join(dir, 'onnx', 'model.onnx'));
    const manifest = await readModelFolder(dir);
    expect(manifest.onnxPath).toBe(join(dir, 'onnx', 'model.onnx'));
  });

  it('rejects an alert label that is not a model label', async () => {
    const dir = await goodFolder({ spec: { alert_labels: ['toxic'] } });
    await expectLoadError(
      readModelFolder(dir),
      join(dir, 'switchboard.json'),
      /alert label "toxic" is not a model label/,
    );
  });

  it('rejects a path that does not exist', async () => {
    const dir = join(tmp.path, 'no-such-model');
    await expectLoadError(readModelFolder(dir), dir, /missing folder/);
  });

  it('reads problem_type multi_label_classification as multi-label', async () => {
    const dir = await goodFolder({ config: { problem_type: 'multi_label_classification' } });
    expect((await readModelFolder(dir)).multiLabel).toBe(true);
  });
});
