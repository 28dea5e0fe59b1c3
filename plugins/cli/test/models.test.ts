import { cp, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../src/format-bytes.js';
import { runCli } from './run-cli.js';
import { buildTestRepository } from './test-model-repository.js';

let root: string;
let models: string;
/** Reports whether onnxruntime was loaded (see scripts/testing/ort-load-probe.mjs). */
const probe = fileURLToPath(new URL('../../../scripts/testing/ort-load-probe.mjs', import.meta.url));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'switchboard-cli-models-'));
  models = join(root, 'models');
  await buildTestRepository(models);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function folderSize(name: string): Promise<number> {
  const files = ['model.onnx', 'config.json'];
  let total = 0;
  for (const f of files) total += (await stat(join(models, name, f))).size;
  return total;
}

describe('models', () => {
  it('prints an aligned table, then the broken folders with their error', async () => {
    const run = runCli(['models'], { env: { SWITCHBOARD_MODELS: models } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const [table, brokenPart] = run.stdout.split('\n\n');
    const lines = table!.split('\n');
    expect(lines[0]).toMatch(/^NAME +LABELS +VERSION +ENCODER +SIZE +DESCRIPTION$/);
    const sentiment = lines.find((l) => l.startsWith('sentiment '))!;
    const spam = lines.find((l) => l.startsWith('spam '))!;
    expect(sentiment.split(/ {2,}/)).toEqual([
      'sentiment',
      'negative, neutral, positive',
      '1.2.3',
      'featurizer',
      formatBytes(await folderSize('sentiment')),
      'Test sentiment model',
    ]);
    expect(spam.split(/ {2,}/)).toEqual([
      'spam',
      'ham, spam',
      '0.1.0',
      'featurizer',
      formatBytes(await folderSize('spam')),
      'Test spam model',
    ]);
    for (const column of ['LABELS', 'VERSION', 'ENCODER', 'SIZE', 'DESCRIPTION']) {
      const at = lines[0]!.indexOf(column);
      expect(sentiment[at - 1]).toBe(' ');
      expect(sentiment[at]).not.toBe(' ');
      expect(spam[at]).not.toBe(' ');
    }
    expect(brokenPart).toContain('Broken model folders');
    expect(brokenPart).toMatch(/^ {2}broken-config +.*broken-config\/config\.json: unreadable JSON/m);
    expect(table).not.toContain('broken-config');
  });

  it('gives a JSON array with --json, broken folders last', async () => {
    const run = runCli(['models', '--json', '--models-dir', models]);
    expect(run.status).toBe(0);
    const list = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(list.map((m) => m.name)).toEqual(['broken-onnx', 'sentiment', 'spam', 'broken-config']);
    expect(list.find((m) => m.name === 'sentiment')).toEqual({
      name: 'sentiment',
      status: 'ok',
      labels: ['negative', 'neutral', 'positive'],
      multiLabel: false,
      version: '1.2.3',
      encoder: 'featurizer',
      maxInputTokens: 8,
      sizeBytes: await folderSize('sentiment'),
      description: 'Test sentiment model',
      versions: [
        {
          version: '1.2.3',
          default: true,
          labels: ['negative', 'neutral', 'positive'],
          encoder: 'featurizer',
          sizeBytes: await folderSize('sentiment'),
          description: 'Test sentiment model',
        },
      ],
    });
    expect(list.at(-1)).toMatchObject({
      name: 'broken-config',
      status: 'broken',
      file: join(models, 'broken-config', 'config.json'),
    });
    expect(list.at(-1)!.error).toContain('unreadable JSON');
  });

  it('lists every version of a models/<name>/<version>/ model, the default marked', async () => {
    const repo = join(root, 'versioned');
    for (const v of ['1.0.0', '1.10.0', '1.9.0']) {
      await cp(join(models, 'sentiment'), join(repo, 'sentiment', v), { recursive: true });
    }
    await cp(join(models, 'spam'), join(repo, 'spam'), { recursive: true });
    await mkdir(join(repo, 'sentiment', '2.0.0'));
    const table = runCli(['models', '--models-dir', repo]);
    expect(table.status).toBe(0);
    const rows = table.stdout
      .split('\n')
      .filter((l) => l.startsWith('sentiment'))
      .map((l) => l.split(/ {2,}/)[2]);
    expect(rows).toEqual(['1.0.0', '1.9.0', '1.10.0 (default)']);
    expect(table.stdout).toMatch(/^ {2}sentiment@2\.0\.0 +.*2\.0\.0\/config\.json: missing file/m);
    await writeFile(
      join(repo, 'sentiment', 'switchboard.json'),
      JSON.stringify({ default_version: '1.9.0' }),
    );
    const list = JSON.parse(runCli(['models', '--json', '--models-dir', repo]).stdout) as {
      name: string;
      version?: string;
      versions?: { version: string; default: boolean }[];
    }[];
    const sentiment = list.find((m) => m.name === 'sentiment')!;
    expect(sentiment.version).toBe('1.9.0');
    expect(sentiment.versions!.map((v) => [v.version, v.default])).toEqual([
      ['1.0.0', false],
      ['1.9.0', true],
      ['1.10.0', false],
    ]);
    expect(list.find((m) => m.name === 'spam')!.versions).toHaveLength(1);
  });

  it('says how to get models when the repository is empty, and fails on a missing one', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty, { recursive: true });
    const run = runCli(['models', '--models-dir', empty]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`No models in ${empty}`);
    expect(JSON.parse(runCli(['models', '--json', '--models-dir', empty]).stdout)).toEqual([]);
    const missing = runCli(['models', '--models-dir', join(root, 'nope')]);
    expect(missing.status).toBe(3);
    expect(missing.stderr).toContain(join(root, 'nope'));
  });

  it('does not load onnxruntime (classify does)', () => {
    const env = { SWITCHBOARD_MODELS: models };
    const list = runCli(['models'], { env, nodeArgs: ['--import', probe] });
    expect(list.status).toBe(0);
    expect(list.stderr).toBe('onnxruntime loaded: false\n');
    const classify = runCli(['classify', 'I love it'], { env, nodeArgs: ['--import', probe] });
    expect(classify.status).toBe(0);
    expect(classify.stderr).toBe('onnxruntime loaded: true\n');
  });
});

describe('formatBytes', () => {
  it('uses decimal units with one decimal below 100', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
    expect(formatBytes(240_000_000)).toBe('240 MB');
    expect(formatBytes(999_960)).toBe('1.0 MB');
  });
});
