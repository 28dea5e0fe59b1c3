import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  compareVersions,
  ModelCatalog,
  ModelLoadError,
  parseModelRef,
  UnknownModelError,
} from '@switchboard/core';
import { makeTempDir, type TempDir } from '@switchboard/core/testing';
import { writeFeaturizerModel } from '@switchboard/train/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The Triton-style layout models/<name>/<version>/ beside today's single-folder layout.
let tmp: TempDir;
let catalog: ModelCatalog;

beforeAll(async () => {
  tmp = await makeTempDir('switchboard-versions-');
  const root = tmp.path;
  // sentiment: three versions, numbers compared as numbers; no pin, so 1.10.0 is the default.
  for (const v of ['1.2.0', '1.9.0', '1.10.0'])
    await writeFeaturizerModel(join(root, 'sentiment', v), { spec: { version: 'ignored', description: v } });
  // spam: pinned to 1 although 2 exists; 3 is half-copied (no config.json) and skipped.
  for (const v of ['1', '2']) await writeFeaturizerModel(join(root, 'spam', v), { labels: ['ham', 'spam'] });
  await mkdir(join(root, 'spam', '3'));
  await writeFile(join(root, 'spam', 'switchboard.json'), JSON.stringify({ default_version: '1' }));
  // A copy in progress under a hidden name is never seen.
  await writeFeaturizerModel(join(root, 'spam', '.incoming-4'));
  // toxicity: the single-folder layout, read as one version.
  await writeFeaturizerModel(join(root, 'toxicity'), { spec: { version: '2.0.0' } });
  // pinned to a version that does not exist: the newest serves, with a warning.
  await writeFeaturizerModel(join(root, 'lang', '5'));
  await writeFile(join(root, 'lang', 'switchboard.json'), JSON.stringify({ default_version: '9' }));
  catalog = new ModelCatalog(root);
});
afterAll(async () => {
  await tmp.remove();
});

describe('model references', () => {
  it('splits name@version and orders versions numerically', () => {
    expect(parseModelRef('sentiment')).toEqual({ name: 'sentiment', version: undefined });
    expect(parseModelRef('sentiment@1.2.0')).toEqual({ name: 'sentiment', version: '1.2.0' });
    expect(['10', '9', '1.10.0', '1.9.0', '2'].sort(compareVersions)).toEqual([
      '1.9.0',
      '1.10.0',
      '2',
      '9',
      '10',
    ]);
  });
});

describe('a repository with versions side by side', () => {
  it('lists every version of every model, oldest first, with the default', async () => {
    const entries = await catalog.entries();
    expect(entries.map((e) => [e.name, e.layout, e.defaultVersion])).toEqual([
      ['lang', 'versioned', '5'],
      ['sentiment', 'versioned', '1.10.0'],
      ['spam', 'versioned', '1'],
      ['toxicity', 'single', '2.0.0'],
    ]);
    const sentiment = entries[1]!;
    expect(sentiment.versions.map((m) => m.ref)).toEqual([
      'sentiment@1.2.0',
      'sentiment@1.9.0',
      'sentiment@1.10.0',
    ]);
    // The folder name is the version; switchboard.json's "version" does not override it.
    expect(sentiment.versions[0]!.version).toBe('1.2.0');
    const spam = entries[2]!;
    expect(spam.pinned).toBe('1');
    expect(spam.versions.map((m) => m.version)).toEqual(['1', '2']);
    expect(spam.broken.map((b) => b.name)).toEqual(['spam@3']);
    expect(spam.broken[0]!.error.file).toBe(join(tmp.path, 'spam', '3', 'config.json'));
    expect(entries[0]!.warnings.join()).toMatch(
      /default_version "9" is not a usable version of lang; serving 5/,
    );
  });

  it('resolves a bare name to the pinned version, else the newest', async () => {
    expect((await catalog.get('sentiment')).ref).toBe('sentiment@1.10.0');
    expect((await catalog.get('spam')).ref).toBe('spam@1');
    expect((await catalog.get('toxicity')).ref).toBe('toxicity@2.0.0');
    expect((await catalog.get('lang')).ref).toBe('lang@5');
  });

  it('resolves name@version, and reads the old single-folder layout as one version', async () => {
    const m = await catalog.get('sentiment@1.2.0');
    expect(m.name).toBe('sentiment');
    expect(m.version).toBe('1.2.0');
    expect(m.dir).toBe(join(tmp.path, 'sentiment', '1.2.0'));
    expect((await catalog.get('spam@2')).labels).toEqual(['ham', 'spam']);
    expect((await catalog.get('toxicity@2.0.0')).dir).toBe(join(tmp.path, 'toxicity'));
  });

  it('answers an unknown version with the versions there are, and a broken one with its file', async () => {
    const err = (await catalog.get('sentiment@7').catch((e: unknown) => e)) as UnknownModelError;
    expect(err).toBeInstanceOf(UnknownModelError);
    expect(err.available).toEqual(['sentiment@1.2.0', 'sentiment@1.9.0', 'sentiment@1.10.0']);
    const broken = (await catalog.get('spam@3').catch((e: unknown) => e)) as ModelLoadError;
    expect(broken).toBeInstanceOf(ModelLoadError);
    expect(broken.file).toBe(join(tmp.path, 'spam', '3', 'config.json'));
    await expect(catalog.get('spam@.incoming-4')).rejects.toBeInstanceOf(UnknownModelError);
    await expect(catalog.get('nope@1')).rejects.toBeInstanceOf(UnknownModelError);
  });

  it('names every word a model answers to, for channels that check the model word', async () => {
    const names = await catalog.names();
    for (const word of ['sentiment', 'sentiment@1.9.0', 'spam@1', 'spam@3', 'toxicity@2.0.0']) {
      expect(names).toContain(word);
    }
    expect(names).not.toContain('spam@.incoming-4');
  });

  it('lists one manifest per model (its default) for callers that want one', async () => {
    const { models, broken } = await catalog.list();
    expect(models.map((m) => m.ref)).toEqual(['lang@5', 'sentiment@1.10.0', 'spam@1', 'toxicity@2.0.0']);
    expect(broken.map((b) => b.name)).toEqual(['spam@3']);
  });

  it('follows symbolic links to version folders', async () => {
    await symlink(join(tmp.path, 'spam', '2'), join(tmp.path, 'spam', '2b'));
    expect((await catalog.get('spam@2b')).dir).toBe(join(tmp.path, 'spam', '2b'));
  });
});
