import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSkipped, labelsOf, parseLabelledTsv, readLabelledTsv } from './tsv-data.js';

describe('parseLabelledTsv', () => {
  it('reads examples after the header, with their line numbers', () => {
    const data = parseLabelledTsv('label\ttext\npos\tgreat film\nneg\tdull\n', 'a.tsv');
    expect(data.examples).toEqual([
      { label: 'pos', text: 'great film', line: 2 },
      { label: 'neg', text: 'dull', line: 3 },
    ]);
    expect(data.skipped).toEqual([]);
    expect(labelsOf(data)).toEqual(['neg', 'pos']);
  });

  it('accepts a byte-order mark, CRLF line ends and blank lines', () => {
    const data = parseLabelledTsv('\uFEFFlabel\ttext\r\npos\tfine\r\n\r\nneg\tbad\r\n', 'a.tsv');
    expect(data.examples.map((e) => [e.label, e.text, e.line])).toEqual([
      ['pos', 'fine', 2],
      ['neg', 'bad', 4],
    ]);
  });

  it('splits at the first tab only and keeps later tabs as spaces', () => {
    const data = parseLabelledTsv('label\ttext\nspam\twin\ta prize\n', 'a.tsv');
    expect(data.examples[0]).toMatchObject({ label: 'spam', text: 'win a prize' });
  });

  it('skips malformed lines and says which and why', () => {
    const content = ['label\ttext', 'pos\tok', 'no tab here', '\tno label', 'neg\t   ', 'neg\tfine'].join(
      '\n',
    );
    const data = parseLabelledTsv(content, 'data.tsv');
    expect(data.examples.map((e) => e.line)).toEqual([2, 6]);
    expect(data.skipped).toEqual([
      { line: 3, reason: 'no tab between label and text' },
      { line: 4, reason: 'empty label' },
      { line: 5, reason: 'empty text' },
    ]);
    const summary = describeSkipped(data, 2);
    expect(summary).toContain('skipped 3 malformed line(s)');
    expect(summary).toContain('data.tsv:3: no tab between label and text');
    expect(summary).toContain('... and 1 more');
  });

  it('refuses a file without the header, naming file and line', () => {
    expect(() => parseLabelledTsv('pos\tgreat\n', 'x.tsv')).toThrow(InputError);
    expect(() => parseLabelledTsv('pos\tgreat\n', 'x.tsv')).toThrow(/^x\.tsv:1: expected the header line/);
  });

  it('refuses a file with no usable example', () => {
    expect(() => parseLabelledTsv('label\ttext\n', 'e.tsv')).toThrow(/e\.tsv: holds no examples/);
    expect(() => parseLabelledTsv('label\ttext\njunk\n', 'e.tsv')).toThrow(
      /1 malformed line\(s\), first at line 2: no tab/,
    );
  });
});

describe('readLabelledTsv', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-tsv-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a real file', async () => {
    const file = join(dir, 'ok.tsv');
    await writeFile(file, 'label\ttext\nham\thello there\n');
    const data = await readLabelledTsv(file);
    expect(data.file).toBe(file);
    expect(data.examples).toHaveLength(1);
  });

  it('names a missing file or a folder given as file', async () => {
    const missing = join(dir, 'missing.tsv');
    await expect(readLabelledTsv(missing)).rejects.toThrow(
      `${missing}: cannot read the data file (no such file)`,
    );
    await expect(readLabelledTsv(dir)).rejects.toThrow(/is a folder, expected a \.tsv file/);
  });
});
