import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

let root: string;
let trainFile: string;
let devFile: string;
let models: string;

const FAST = ['--epochs', '3', '--dim', '8', '--buckets', '4096', '--char-ngrams', '3,4'];

/** Deterministic two-label data: "ok" texts use calm words, "alert" texts add alarm words. */
function tsv(size: number, offset: number): string {
  const calm = ['lunch', 'meeting', 'thanks', 'see', 'you', 'later', 'coffee', 'soon'];
  const alarm = ['urgent', 'prize', 'winner', 'claim', 'free', 'cash'];
  const lines = ['label\ttext'];
  for (let i = 0; i < size; i++) {
    const n = i + offset;
    const words = [calm[n % 8]!, calm[(n * 3) % 8]!, calm[(n * 5 + 1) % 8]!];
    const alert = n % 3 === 0;
    if (alert) words.splice(n % 3, 0, alarm[n % 6]!, alarm[(n * 7) % 6]!);
    lines.push(`${alert ? 'alert' : 'ok'}\t${words.join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'switchboard-cli-train-'));
  trainFile = join(root, 'train.tsv');
  devFile = join(root, 'dev.tsv');
  models = join(root, 'models');
  await writeFile(trainFile, `${tsv(300, 0)}no tab on this line\n`);
  await writeFile(devFile, tsv(60, 1000));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('switchboard train', () => {
  it('writes a model folder, shows per-epoch dev figures and warns about malformed lines', async () => {
    const out = join(models, 'alerts');
    const run = runCli([
      'train',
      '--data',
      trainFile,
      '--dev',
      devFile,
      '--out',
      out,
      ...FAST,
      '--alert-labels',
      'alert',
      '--version',
      '1.2.0',
      '--description',
      'test alerts',
    ]);
    expect(run.stderr).toContain(`${trainFile}:302: no tab between label and text`);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/epoch 1\/3 {2}loss [\d.]+ {2}dev accuracy [\d.]+ {2}macro-F1 [\d.]+/);
    expect(run.stderr).toMatch(/epoch 3\/3 /);
    expect(run.stdout).toContain(`wrote ${out}`);
    expect(run.stdout).toMatch(/accuracy +1\.0000/);
    for (const f of ['config.json', 'switchboard.json', 'model.onnx']) {
      expect((await stat(join(out, f))).size).toBeGreaterThan(0);
    }
    const spec = JSON.parse(await readFile(join(out, 'switchboard.json'), 'utf8'));
    expect(spec).toMatchObject({
      version: '1.2.0',
      description: 'test alerts',
      alert_labels: ['alert'],
      featurizer: { type: 'hashed-ngrams', buckets: 4096, char_ngrams: [3, 4] },
      training: {
        epochs: 3,
        dim: 8,
        train_file: basename(trainFile),
        train_examples: 300,
        dev_file: basename(devFile),
      },
    });
    expect(spec.training.dev.accuracy).toBe(1);
  });

  it('starts word rows from --pretrained vectors, averages with --average-epochs and records both', async () => {
    const vec = join(root, 'words.vec');
    await writeFile(vec, '4 3\nurgent 1 0 0\nlunch -1 0 0\nclaim 0 1 0\nthe 0 0 1\n');
    const out = join(models, 'pretrained');
    const args = ['train', '--data', trainFile, '--dev', devFile, '--out', out, ...FAST, '--dim', '3'];
    const run = runCli([...args, '--pretrained', vec, '--pretrained-top', '1', '--average-epochs', '2']);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/pretrained vectors words\.vec \(sha256 [0-9a-f]{12}, 4 x 3\): 3 kept/);
    expect(run.stderr).toMatch(/averaged weights of the last 2 epochs {2}dev accuracy/);
    const spec = JSON.parse(await readFile(join(out, 'switchboard.json'), 'utf8'));
    expect(spec.training).toMatchObject({
      average_epochs: 2,
      pretrained: {
        file: 'words.vec',
        dim: 3,
        top: 1,
        vectors_kept: 3,
        rows_initialised: 3,
        projection: 'copy',
      },
    });
    expect(spec.training.pretrained.sha256).toMatch(/^[0-9a-f]{64}$/);

    const broken = join(root, 'broken.vec');
    await writeFile(broken, 'urgent 1 0 0\nlunch 1 0\n');
    const bad = runCli([...args, '--out', join(root, 'never-vec'), '--pretrained', broken]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('broken.vec:2: vector of "lunch" has 2 values, expected 3');
    const missing = runCli([...args, '--out', join(root, 'never-vec'), '--pretrained', join(root, 'no.vec')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no.vec: cannot read word vectors');
    const badScale = runCli([...args, '--pretrained', vec, '--pretrained-lr-scale', '-1']);
    expect(badScale.status).toBe(2);
    expect(badScale.stderr).toContain('--pretrained-lr-scale must be a number >= 0');
    const badAverage = runCli([...args, '--average-epochs', '9']);
    expect(badAverage.status).toBe(2);
    expect(badAverage.stderr).toContain('averageEpochs must be an integer from 0 to epochs (3)');
  });

  it('adds a word CNN with --cnn: vocab.txt beside the graph, both stages reported, and the model classifies', async () => {
    const vec = join(root, 'cnn-words.vec');
    await writeFile(vec, 'urgent 1 0 0\nlunch -1 0 0\nclaim 0 1 0\nthe 0 0 1\n');
    const out = join(models, 'with-cnn');
    const args = ['train', '--data', trainFile, '--dev', devFile, '--out', out, ...FAST];
    const run = runCli([
      ...args,
      '--cnn',
      '--cnn-vectors',
      vec,
      '--cnn-epochs',
      '2',
      '--cnn-dim',
      '3',
      '--cnn-filters',
      '8',
    ]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/cnn vectors cnn-words\.vec \(sha256 [0-9a-f]{12}, 4 x 3\): 4 kept/);
    expect(run.stderr).toMatch(
      /cnn epoch 2\/2 {2}loss [\d.]+ {2}cnn alone dev accuracy [\d.]+ {2}macro-F1 [\d.]+ {2}combined {2}dev accuracy/,
    );
    const vocab = (await readFile(join(out, 'vocab.txt'), 'utf8')).trimEnd().split('\n');
    expect(vocab).toEqual(expect.arrayContaining(['urgent', 'lunch', 'claim', 'the']));
    const spec = JSON.parse(await readFile(join(out, 'switchboard.json'), 'utf8'));
    expect(spec.featurizer.sequence_vocabulary).toBe('vocab.txt');
    expect(spec.training.cnn).toMatchObject({
      epochs: 2,
      dim: 3,
      filters: 8,
      vectors: { file: 'cnn-words.vec' },
    });
    const classify = runCli([
      'classify',
      '--models-dir',
      models,
      '--model',
      'with-cnn',
      '--json',
      'urgent claim your cash',
    ]);
    expect(classify.status).toBe(0);
    expect(JSON.parse(classify.stdout).label).toBe('alert');

    const stray = runCli([...args, '--out', join(root, 'never-cnn'), '--cnn-epochs', '7']);
    expect(stray.status).toBe(2);
    expect(stray.stderr).toContain('--cnn-epochs needs --cnn');
    const badWidth = runCli([...args, '--out', join(root, 'never-cnn'), '--cnn', '--cnn-width', '1']);
    expect(badWidth.status).toBe(2);
    expect(badWidth.stderr).toContain('--cnn-width must be a whole number >= 2');
  });

  it('refuses bad options, unreadable and empty data with exit code 2', async () => {
    const out = join(root, 'never');
    const badNgrams = runCli(['train', '--data', trainFile, '--out', out, '--char-ngrams', '5,2']);
    expect(badNgrams.status).toBe(2);
    expect(badNgrams.stderr).toContain('--char-ngrams must be "MIN,MAX"');
    const badEpochs = runCli(['train', '--data', trainFile, '--out', out, '--epochs', 'many']);
    expect(badEpochs.status).toBe(2);
    expect(badEpochs.stderr).toContain('--epochs must be a whole number');
    const missing = runCli(['train', '--data', join(root, 'nope.tsv'), '--out', out]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('nope.tsv: cannot read the data file (no such file)');
    const empty = join(root, 'empty.tsv');
    await writeFile(empty, 'label\ttext\n');
    const noExamples = runCli(['train', '--data', empty, '--out', out]);
    expect(noExamples.status).toBe(2);
    expect(noExamples.stderr).toContain('holds no examples');
    const badAlert = runCli(['train', '--data', trainFile, '--out', out, ...FAST, '--alert-labels', 'spam']);
    expect(badAlert.status).toBe(2);
    expect(badAlert.stderr).toContain('alert label "spam" is not one of the model\'s labels');
    await expect(stat(out)).rejects.toThrow();
  });
});

describe('switchboard eval', () => {
  beforeAll(() => {
    const run = runCli(['train', '--data', trainFile, '--out', join(models, 'evalme'), ...FAST]);
    if (run.status !== 0) throw new Error(`training for eval failed: ${run.stderr}`);
  });

  it('prints one JSON object with the figures, by model name in the repository', () => {
    const run = runCli(['eval', '--model', 'evalme', '--data', devFile, '--json'], {
      env: { SWITCHBOARD_MODELS: models },
    });
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!);
    expect(report).toMatchObject({ model: 'evalme', examples: 60, accuracy: 1, macro_f1: 1 });
    expect(report.labels).toEqual({
      alert: { precision: 1, recall: 1, f1: 1, support: 20 },
      ok: { precision: 1, recall: 1, f1: 1, support: 40 },
    });
    expect(report.confusion).toEqual({
      labels: ['alert', 'ok'],
      matrix: [
        [20, 0],
        [0, 40],
      ],
    });
  });

  it('prints readable tables for a model folder path', () => {
    const run = runCli(['eval', '--model', join(models, 'evalme'), '--data', devFile]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/accuracy +1\.0000/);
    expect(run.stdout).toMatch(/macro-F1 +1\.0000/);
    expect(run.stdout).toMatch(/label +precision +recall +f1 +support/);
    expect(run.stdout).toMatch(/alert +1\.0000 +1\.0000 +1\.0000 +20/);
    expect(run.stdout).toMatch(/gold \\ predicted +alert +ok/);
    expect(run.stdout).toMatch(/ok +0 +40/);
  });

  it('fails clearly: unknown model, missing path, unknown labels, unreadable data, broken folder', async () => {
    const env = { SWITCHBOARD_MODELS: models };
    const unknown = runCli(['eval', '--model', 'nosuch', '--data', devFile], { env });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Unknown model "nosuch"');
    expect(unknown.stderr).toContain('evalme');

    const noPath = runCli(['eval', '--model', join(root, 'gone'), '--data', devFile]);
    expect(noPath.status).toBe(2);
    expect(noPath.stderr).toContain('no such folder');

    const other = join(root, 'other.tsv');
    await writeFile(other, 'label\ttext\nok\tsee you\nspam\tfree cash\n');
    const badLabels = runCli(['eval', '--model', 'evalme', '--data', other], { env });
    expect(badLabels.status).toBe(2);
    expect(badLabels.stderr).toContain('"spam" (first at line 3) are not labels of model evalme');

    const missing = runCli(['eval', '--model', 'evalme', '--data', join(root, 'nope.tsv')], { env });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read the data file');

    const broken = join(models, 'broken');
    await mkdir(broken, { recursive: true });
    await writeFile(join(broken, 'config.json'), '{"id2label": {"0": "ok", "1": "alert"}}');
    const brokenRun = runCli(['eval', '--model', 'broken', '--data', devFile], { env });
    expect(brokenRun.status).toBe(3);
    expect(brokenRun.stderr).toContain('tokenizer.json');
  });
});
