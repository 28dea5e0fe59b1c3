import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { buildTestRepository, SENTIMENT_MAX_WORDS } from './test-model-repository.js';

let root: string;
let models: string;
let env: Record<string, string>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'switchboard-cli-classify-'));
  models = join(root, 'models');
  await buildTestRepository(models);
  env = { SWITCHBOARD_MODELS: models };
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function classify(args: string[], input?: string | Uint8Array, extraEnv: Record<string, string> = {}) {
  return runCli(['classify', ...args], { input, env: { ...env, ...extraEnv } });
}

function topLabels(stdout: string): string[] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/\s+/)[0]!);
}

describe('classify: results', () => {
  it('classifies a text argument with the default model', () => {
    const run = classify(['I love this']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^positive 1\.00 {2}\(neutral 0\.00, negative 0\.00\)\n$/);
    expect(topLabels(classify(['I hate this']).stdout)).toEqual(['negative']);
    // No cue word: the bias decides, and the score shows it is not a confident answer.
    expect(classify(['the table is brown']).stdout).toMatch(/^neutral {2}0\.58 {2}\(/);
  });

  it('reads one text per non-blank line of stdin, in order, with the text at the end of each line', () => {
    const run = classify([], 'I love it\n\n   \nI hate it\r\nthe table is brown\n');
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(topLabels(run.stdout)).toEqual(['positive', 'negative', 'neutral']);
    expect(lines[1]).toMatch(/"I hate it"$/);
    // Padded columns: the quoted texts start at the same place on every line.
    expect(new Set(lines.map((l) => l.indexOf('"'))).size).toBe(1);
    expect(classify(['-'], 'I hate it\nI love it').stdout).toBe(
      classify([], 'I hate it\nI love it\n').stdout,
    );
  });

  it('keeps order across batches', () => {
    const texts = Array.from({ length: 601 }, (_, i) => ['so much love', 'so much hate', 'a chair'][i % 3]!);
    const run = classify([], `${texts.join('\n')}\n`);
    expect(run.status).toBe(0);
    const expected = texts.map((t) =>
      t.includes('love') ? 'positive' : t.includes('hate') ? 'negative' : 'neutral',
    );
    expect(topLabels(run.stdout)).toEqual(expected);
  });

  it('reads texts from --file', async () => {
    const file = join(root, 'texts.txt');
    await writeFile(file, '\uFEFFI hate mondays\n\nwe love it\n');
    const run = classify(['--file', file]);
    expect(run.status).toBe(0);
    expect(topLabels(run.stdout)).toEqual(['negative', 'positive']);
  });

  it('prints JSON Lines with --json', () => {
    const run = classify(['--json'], 'I love it\nI hate it\n');
    expect(run.status).toBe(0);
    const objects = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(objects).toHaveLength(2);
    const [first, second] = objects;
    expect(Object.keys(first).sort()).toEqual(
      ['labels', 'label', 'model', 'score', 'text', 'truncated', 'version'].sort(),
    );
    expect(first).toMatchObject({
      text: 'I love it',
      label: 'positive',
      truncated: false,
      model: 'sentiment',
      version: '1.2.3',
    });
    expect(second.label).toBe('negative');
    expect(first.labels.map((l: { label: string }) => l.label).sort()).toEqual([
      'negative',
      'neutral',
      'positive',
    ]);
    expect(first.labels[0]).toEqual({ label: 'positive', score: first.score });
    const scores = first.labels.map((l: { score: number }) => l.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(scores.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
    expect(first.score).toBeGreaterThan(0.99);
  });

  it('marks texts the model read only the start of, and really ignores the rest', () => {
    const filler = Array.from({ length: SENTIMENT_MAX_WORDS }, (_, i) => `w${i}`).join(' ');
    const late = `${filler} love`;
    const json = JSON.parse(classify(['--json', late]).stdout);
    expect(json).toMatchObject({ truncated: true, label: 'neutral' });
    expect(classify([late]).stdout).toMatch(/ \(truncated\)\n$/);
    expect(JSON.parse(classify(['--json', `love ${filler}`]).stdout)).toMatchObject({
      truncated: true,
      label: 'positive',
    });
  });

  it('chooses the model with --model, SWITCHBOARD_DEFAULT_MODEL and --models-dir', async () => {
    expect(classify(['--model', 'spam', 'win a prize']).stdout).toMatch(/^spam 1\.00 {2}\(ham 0\.00\)\n$/);
    expect(topLabels(classify(['win a prize'], '', { SWITCHBOARD_DEFAULT_MODEL: 'spam' }).stdout)).toEqual([
      'spam',
    ]);
    const empty = join(root, 'empty-repo');
    await mkdir(empty, { recursive: true });
    const run = runCli(['classify', '--models-dir', models, 'I love it'], {
      env: { SWITCHBOARD_MODELS: empty },
    });
    expect(topLabels(run.stdout)).toEqual(['positive']);
  });
});

describe('classify: errors', () => {
  function expectFailure(run: ReturnType<typeof classify>, status: number, ...fragments: string[]) {
    expect(run.status).toBe(status);
    expect(run.stdout).toBe('');
    for (const f of fragments) expect(run.stderr).toContain(f);
  }

  it('names the available models when the model is unknown (exit 2)', () => {
    expectFailure(classify(['--model', 'nope', 'hi']), 2, 'Unknown model "nope"', 'sentiment', 'spam');
  });

  it('refuses empty input (exit 2)', () => {
    expectFailure(classify(['']), 2, 'empty');
    expectFailure(classify(['   ']), 2, 'empty');
    expectFailure(classify([], ''), 2, 'No text to classify', 'stdin');
    expectFailure(classify([], '\n  \n\t\n'), 2, 'No text to classify', 'blank lines');
  });

  it('names the path and the reason when a file cannot be read (exit 2)', async () => {
    const missing = join(root, 'missing.txt');
    expectFailure(classify(['--file', missing]), 2, missing, 'no such file');
    expectFailure(classify(['--file', root]), 2, root, 'folder');
    const blank = join(root, 'blank.txt');
    await writeFile(blank, '\n\n');
    expectFailure(classify(['--file', blank]), 2, blank, 'No text to classify');
    expectFailure(classify(['--file', blank, 'hi']), 2, 'either a text argument or --file');
  });

  it('refuses binary input and names the line (exit 2)', async () => {
    expectFailure(classify([], Buffer.from('fine\nbad\0byte\n')), 2, 'NUL byte', 'line 2');
    expectFailure(
      classify([], Buffer.from([0x68, 0x69, 0x0a, 0xff, 0xfe, 0x0a])),
      2,
      'not valid UTF-8',
      'line 2',
    );
    const file = join(root, 'binary.bin');
    await writeFile(file, Buffer.from([0x00, 0x01, 0x02, 0x0a]));
    expectFailure(classify(['--file', file]), 2, file, 'NUL byte');
  });

  it('refuses texts over the length and count limits, naming the line (exit 2)', () => {
    expectFailure(classify([], `ok\n\n${'a'.repeat(10_001)}\n`), 2, 'Line 3 of stdin', '10000 characters');
    // 10,000 characters is still allowed (counted in code points, so emoji count once).
    expect(classify(['--json'], `${'😀'.repeat(10_000)}\n`).status).toBe(0);
    expectFailure(classify([], 'love\n'.repeat(10_001)), 2, 'more than 10000 texts');
  });

  it('names the broken file of a broken model folder (exit 3)', () => {
    expectFailure(
      classify(['--model', 'broken-config', 'hi']),
      3,
      join(models, 'broken-config', 'config.json'),
    );
    expectFailure(
      classify(['--model', 'broken-onnx', 'hi']),
      3,
      join(models, 'broken-onnx', 'model.onnx'),
      'not a usable ONNX model',
    );
  });
});
