import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLabelledTsv } from './tsv-data.js';
import { readWordVectors, readWordVectorsFor } from './word-vectors.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchboard-vectors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function vecFile(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('readWordVectors', () => {
  it('reads a file with a header line, keeps the order and hashes the whole file', async () => {
    const text = '3 2\nthe 0.5 -1\ngood 2 3.25\nbad -2e-1 4\n';
    const v = await readWordVectors(await vecFile('header.vec', text));
    expect(v.dim).toBe(2);
    expect(v.total).toBe(3);
    expect(v.words).toEqual(['the', 'good', 'bad']);
    expect([...v.vectors]).toEqual([0.5, -1, 2, 3.25, Math.fround(-0.2), 4]);
    expect(v.sha256).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('reads a file without a header, with CRLF line ends and a trailing space, and keeps only what the filter asks', async () => {
    const file = await vecFile('plain.vec', 'the 1 2 3 \r\ngood 4 5 6\r\nbad 7 8 9\r\n');
    const ranks: number[] = [];
    const v = await readWordVectors(file, {
      keep: (word, rank) => {
        ranks.push(rank);
        return word !== 'good';
      },
    });
    expect(ranks).toEqual([0, 1, 2]);
    expect(v.dim).toBe(3);
    expect(v.total).toBe(3);
    expect(v.words).toEqual(['the', 'bad']);
    expect([...v.vectors]).toEqual([1, 2, 3, 7, 8, 9]);
  });

  it('names the line of a malformed line, a non-number and a width that differs', async () => {
    await expect(readWordVectors(await vecFile('lonely.vec', 'the 1 2\nlonely\n'))).rejects.toThrow(
      /lonely\.vec:2: expected "word v1 \.\.\. vd"/,
    );
    await expect(readWordVectors(await vecFile('nan.vec', '2 2\nthe 1 2\ngood 1 x\n'))).rejects.toThrow(
      /nan\.vec:3: value 2 of "good" is not a number: "x"/,
    );
    await expect(readWordVectors(await vecFile('width.vec', 'the 1 2\ngood 1 2 3\n'))).rejects.toThrow(
      /width\.vec:2: vector of "good" has 3 values, expected 2 \(as on the first line\)/,
    );
    await expect(readWordVectors(await vecFile('header-width.vec', '1 3\nthe 1 2\n'))).rejects.toThrow(
      /header-width\.vec:2: vector of "the" has 2 values, expected 3 \(as the header says\)/,
    );
    // A width mismatch is found even on a line the filter drops.
    await expect(
      readWordVectors(await vecFile('dropped.vec', 'the 1 2\ngood 1\n'), { keep: () => false }),
    ).rejects.toThrow(/dropped\.vec:2: vector of "good" has 1 values/);
  });

  it('refuses an unreadable file and one without vectors', async () => {
    const missing = join(dir, 'missing.vec');
    const error = await readWordVectors(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/missing\.vec: cannot read word vectors: ENOENT/);
    await expect(readWordVectors(dir)).rejects.toThrow(/cannot read word vectors: EISDIR/);
    await expect(readWordVectors(await vecFile('empty.vec', '5 10\n\n'))).rejects.toThrow(
      /empty\.vec: holds no word vectors/,
    );
  });
});

describe('readWordVectorsFor', () => {
  it('keeps the training words (as the featurizer lower-cases them) and the first N words', async () => {
    const file = await vecFile('for.vec', 'the 1\nof 2\nGreat 3\nfilm 4\nunused 5\nboring 6\n');
    const train = parseLabelledTsv('label\ttext\npos\tA GREAT film!\nneg\tso boring\n', 'train.tsv');
    const v = await readWordVectorsFor(file, train, 2, true);
    expect(v.words).toEqual(['the', 'of', 'Great', 'film', 'boring']);
    expect(v.top).toBe(2);
    const cased = await readWordVectorsFor(file, train, 0, false);
    expect(cased.words).toEqual(['film', 'boring']);
  });
});
