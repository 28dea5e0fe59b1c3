import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { InputError, splitWords } from '@switchboard/core';
import type { LabelledData } from './tsv-data.js';

/** Pretrained word vectors read from a `.vec` file: only the words the caller asked to keep. */
export interface WordVectors {
  /** The file as given. */
  readonly file: string;
  /** SHA-256 of the whole file, hex, so a model records exactly which vectors it started from. */
  readonly sha256: string;
  /** Width of every vector. */
  readonly dim: number;
  /** Vectors in the file (kept or not). */
  readonly total: number;
  /** Kept words in file order (fastText and GloVe files list the most frequent words first). */
  readonly words: readonly string[];
  /** `words.length * dim` values, row `i` is the vector of `words[i]`. */
  readonly vectors: Float32Array;
  /**
   * Set by {@link readWordVectorsFor}: how many of the file's first (most frequent) words were
   * kept besides the training data's words.
   */
  readonly top?: number;
}

/** Which words of a `.vec` file {@link readWordVectors} keeps. */
export interface WordVectorFilter {
  /**
   * Called with each word and its 0-based position among the file's vectors; `true` keeps it.
   * Without it every word is kept.
   */
  keep?(word: string, rank: number): boolean;
}

/**
 * Reads word vectors in the fastText / word2vec text format: an optional header line
 * `count dim`, then one `word v1 ... vd` a line, separated by spaces. The file is streamed line by
 * line and only kept words are stored, so a file of hundreds of MB needs memory only for the kept
 * vectors. Every line's width is checked; the numbers of words that are not kept are not parsed
 * (that is most of the time saved).
 * @throws InputError naming the file (and line) for an unreadable file, a malformed line, a vector
 *   whose width differs from the header or the first vector, a non-numeric value, or no vectors
 */
export async function readWordVectors(file: string, filter: WordVectorFilter = {}): Promise<WordVectors> {
  const hash = createHash('sha256');
  const stream = createReadStream(file);
  stream.on('data', (chunk) => hash.update(chunk));
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  const words: string[] = [];
  const rows: Float32Array[] = [];
  let dim = 0;
  let declared: number | undefined;
  let total = 0;
  let lineNo = 0;
  try {
    for await (const raw of lines) {
      lineNo++;
      const line = raw.trimEnd();
      if (line === '') continue;
      const fields = line.split(' ');
      if (lineNo === 1 && fields.length === 2 && /^\d+$/.test(fields[0]!) && /^\d+$/.test(fields[1]!)) {
        declared = Number(fields[0]);
        dim = Number(fields[1]);
        if (dim < 1) throw new InputError(`${file}:1: header declares ${dim} dimensions`);
        continue;
      }
      const width = fields.length - 1;
      if (width < 1 || fields[0] === '') {
        throw new InputError(`${file}:${lineNo}: expected "word v1 ... vd" separated by single spaces`);
      }
      if (dim === 0) dim = width;
      else if (width !== dim) {
        throw new InputError(
          `${file}:${lineNo}: vector of "${fields[0]}" has ${width} values, expected ${dim}${declared === undefined ? ' (as on the first line)' : ' (as the header says)'}`,
        );
      }
      const rank = total++;
      if (filter.keep && !filter.keep(fields[0]!, rank)) continue;
      const row = new Float32Array(dim);
      for (let d = 0; d < dim; d++) {
        const text = fields[d + 1]!;
        const v = Number(text);
        if (text === '' || !Number.isFinite(v)) {
          throw new InputError(
            `${file}:${lineNo}: value ${d + 1} of "${fields[0]}" is not a number: "${text}"`,
          );
        }
        row[d] = v;
      }
      words.push(fields[0]!);
      rows.push(row);
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(`${file}: cannot read word vectors: ${reason}`);
  } finally {
    lines.close();
    stream.destroy();
  }
  if (total === 0) throw new InputError(`${file}: holds no word vectors`);
  const vectors = new Float32Array(rows.length * dim);
  for (const [i, row] of rows.entries()) vectors.set(row, i * dim);
  return { file, sha256: hash.digest('hex'), dim, total, words, vectors };
}

/**
 * Reads the vectors a model trained on `train` can use: those of every word of the training texts
 * (split and lower-cased as the featurizer does) plus the file's first `top` words, so that words
 * met only at inference also land on rows that carry meaning.
 */
export async function readWordVectorsFor(
  file: string,
  train: LabelledData,
  top: number,
  lowercase: boolean,
): Promise<WordVectors> {
  const vocabulary = new Set<string>();
  for (const e of train.examples) for (const w of splitWords(e.text, lowercase)) vocabulary.add(w);
  const vectors = await readWordVectors(file, {
    keep: (word, rank) =>
      rank < top || vocabulary.has(lowercase ? word.normalize('NFKC').toLowerCase() : word),
  });
  return { ...vectors, top };
}

/** A short description of vectors for logs and `switchboard.json`: file name and hash. */
export function describeWordVectors(v: WordVectors): string {
  return `${basename(v.file)} (sha256 ${v.sha256.slice(0, 12)}, ${v.total} x ${v.dim})`;
}
