import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelCatalog, ModelLoadError, UnknownModelError } from '@switchboard/core';
import { makeTempDir, type TempDir } from '@switchboard/core/testing';
import { writeFeaturizerModel } from '@switchboard/train/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let tmp: TempDir;
let catalog: ModelCatalog;

beforeAll(async () => {
  tmp = await makeTempDir('switchboard-catalog-');
  await writeFeaturizerModel(join(tmp.path, 'sentiment'));
  await writeFeaturizerModel(join(tmp.path, 'spam'), { labels: ['ham', 'spam'] });
  const noConfig = join(tmp.path, 'broken-config');
  await writeFeaturizerModel(noConfig);
  await rm(join(noConfig, 'config.json'));
  const badJson = join(tmp.path, 'broken-json');
  await writeFeaturizerModel(badJson);
  await writeFile(join(badJson, 'switchboard.json'), '{ not json');
  // Hidden folders and plain files are not models.
  await mkdir(join(tmp.path, '.cache'));
  await writeFile(join(tmp.path, 'README.md'), 'models live here\n');
  catalog = new ModelCatalog(tmp.path);
});
afterAll(async () => {
  await tmp.remove();
});

describe('ModelCatalog', () => {
  it('names the model folders, sorted, without hidden folders or files', async () => {
    expect(await catalog.modelNames()).toEqual(['broken-config', 'broken-json', 'sentiment', 'spam']);
    expect(await catalog.names()).toEqual([
      'broken-config',
      'broken-json',
      'sentiment',
      'sentiment@1.0.0',
      'spam',
      'spam@1.0.0',
    ]);
  });

  it('counts a symbolic link to a model folder as a model, and not one to a file or nowhere', async () => {
    const outside = await makeTempDir('switchboard-linked-model-');
    const linked = await makeTempDir('switchboard-linked-repo-');
    try {
      await writeFeaturizerModel(join(outside.path, 'toxicity'), { labels: ['ok', 'toxic'] });
      await symlink(join(outside.path, 'toxicity'), join(linked.path, 'toxicity'));
      await writeFile(join(outside.path, 'notes.txt'), 'not a model\n');
      await symlink(join(outside.path, 'notes.txt'), join(linked.path, 'notes'));
      await symlink(join(outside.path, 'gone'), join(linked.path, 'dangling'));
      const repo = new ModelCatalog(linked.path);
      expect(await repo.modelNames()).toEqual(['toxicity']);
      expect((await repo.get('toxicity')).labels).toEqual(['ok', 'toxic']);
    } finally {
      await linked.remove();
      await outside.remove();
    }
  });

  it('lists broken folders beside the good ones, each with its reason', async () => {
    const { models, broken } = await catalog.list();
    expect(models.map((m) => m.name)).toEqual(['sentiment', 'spam']);
    expect(models[1]!.labels).toEqual(['ham', 'spam']);
    expect(broken.map((b) => b.name)).toEqual(['broken-config', 'broken-json']);
    for (const b of broken) expect(b.error).toBeInstanceOf(ModelLoadError);
    expect(broken[0]!.error.file).toBe(join(tmp.path, 'broken-config', 'config.json'));
    expect(broken[0]!.error.message).toMatch(/missing file/);
    expect(broken[1]!.error.file).toBe(join(tmp.path, 'broken-json', 'switchboard.json'));
    expect(broken[1]!.error.message).toMatch(/unreadable JSON/);
  });

  it('gets a model by name', async () => {
    const manifest = await catalog.get('spam');
    expect(manifest.name).toBe('spam');
    expect(manifest.dir).toBe(join(tmp.path, 'spam'));
  });

  it('answers an unknown name with UnknownModelError listing the available models', async () => {
    const err = await catalog.get('sentimnet').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownModelError);
    const unknown = err as UnknownModelError;
    expect(unknown.code).toBe('unknown_model');
    expect(unknown.model).toBe('sentimnet');
    expect(unknown.available).toEqual(['broken-config', 'broken-json', 'sentiment', 'spam']);
    expect(unknown.message).toContain('"sentimnet"');
    expect(unknown.message).toContain('sentiment, spam');
  });

  it('does not treat a path as a model name', async () => {
    await expect(catalog.get('../sentiment')).rejects.toBeInstanceOf(UnknownModelError);
  });

  it('gives a ModelLoadError for a broken folder asked by name', async () => {
    await expect(catalog.get('broken-config')).rejects.toBeInstanceOf(ModelLoadError);
  });

  it('names the repository folder when it does not exist', async () => {
    const missing = new ModelCatalog(join(tmp.path, 'nowhere'));
    const err = await missing.modelNames().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).file).toBe(join(tmp.path, 'nowhere'));
  });
});
