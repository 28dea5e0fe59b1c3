import { type HashedNgramFeaturizer, splitWords } from '@switchboard/core';
import type { WordVectors } from './word-vectors.js';

/** How the trainer starts from pretrained word vectors. */
export interface PretrainedInit {
  readonly vectors: WordVectors;
  /**
   * Mean L2 norm the initialised rows get. The other rows start near zero (fastText's uniform
   * ±1/dim), so this sets how much the pretrained words weigh in a text's pooled vector at first.
   */
  readonly norm: number;
  /**
   * Learning-rate multiplier of the initialised rows: 1 fine-tunes them like every row, 0 freezes
   * them, so words seen in training keep the geometry they share with words that were not.
   */
  readonly lrScale: number;
}

/** What {@link applyPretrained} did, for the `training` block of `switchboard.json`. */
export interface PretrainedReport {
  /** Embedding rows (hash buckets) set from a vector. */
  readonly rows: number;
  /** Vectors left out: not one word for the featurizer, or a bucket taken by a more frequent word. */
  readonly skipped: number;
  /** `pca` when the vectors were wider than the model, `copy` otherwise. */
  readonly projection: 'pca' | 'copy';
}

/**
 * Sets the embedding row of each vector's word to the (centred, projected, rescaled) vector, and
 * marks it in `pretrainedRows`. The row is the one the featurizer gives the word as a unigram,
 * after its own normalisation (NFKC, lower-casing), so a word of a text pools exactly this row.
 * When two vectors land on one bucket the earlier one (the more frequent word in fastText and
 * GloVe files) wins. Vectors wider than the model are reduced to their top `dim` principal
 * components; narrower ones fill the first columns and leave the rest as initialised.
 */
export function applyPretrained(
  embedding: Float32Array,
  dim: number,
  featurizer: HashedNgramFeaturizer,
  init: PretrainedInit,
  pretrainedRows: Uint8Array,
): PretrainedReport {
  const { vectors } = init;
  const source = vectors.dim;
  const chosen: number[] = [];
  const buckets: number[] = [];
  const taken = new Set<number>();
  for (const [i, word] of vectors.words.entries()) {
    // A "word" the featurizer would split ("e.g.", "o'clock's" may or may not) has no unigram row.
    if (splitWords(word, featurizer.spec.lowercase).length !== 1) continue;
    // The first id of a one-word text is that word's unigram bucket (bigrams and character
    // n-grams follow it).
    const bucket = featurizer.encode(word).ids[0]!;
    if (taken.has(bucket)) continue;
    taken.add(bucket);
    chosen.push(i);
    buckets.push(bucket);
  }
  const skipped = vectors.words.length - chosen.length;
  if (chosen.length === 0) return { rows: 0, skipped, projection: 'copy' };

  const width = Math.min(dim, source);
  const { rows: out, projection } = projectVectors(vectors.vectors, source, chosen, dim, init.norm);
  for (const [r, bucket] of buckets.entries()) {
    for (let c = 0; c < width; c++) embedding[bucket * dim + c] = out[r * width + c]!;
    pretrainedRows[bucket] = 1;
  }
  return { rows: chosen.length, skipped, projection };
}

/** Rows of {@link projectVectors}: `rows.length * min(dim, source)` values. */
export interface ProjectedVectors {
  readonly rows: Float64Array;
  /** `pca` when the vectors were wider than `dim`, `copy` otherwise. */
  readonly projection: 'pca' | 'copy';
}

/**
 * The chosen rows of `data` (`source` wide), centred, reduced to their top `dim` principal
 * components when wider, and scaled so their mean length is `norm`.
 */
export function projectVectors(
  data: Float32Array,
  source: number,
  chosen: readonly number[],
  dim: number,
  norm: number,
): ProjectedVectors {
  const mean = new Float64Array(source);
  for (const i of chosen) for (let d = 0; d < source; d++) mean[d]! += data[i * source + d]!;
  for (let d = 0; d < source; d++) mean[d]! /= Math.max(chosen.length, 1);

  const width = Math.min(dim, source);
  const projection = source > dim ? 'pca' : 'copy';
  // Columns of `basis` (source x width) map a centred vector to the model's columns.
  const basis = projection === 'pca' ? principalAxes(data, source, chosen, mean, dim) : identity(source);
  const out = new Float64Array(chosen.length * width);
  let normSum = 0;
  const centred = new Float64Array(source);
  for (const [r, i] of chosen.entries()) {
    for (let d = 0; d < source; d++) centred[d] = data[i * source + d]! - mean[d]!;
    let sq = 0;
    for (let c = 0; c < width; c++) {
      let s = 0;
      for (let d = 0; d < source; d++) s += centred[d]! * basis[d * width + c]!;
      out[r * width + c] = s;
      sq += s * s;
    }
    normSum += Math.sqrt(sq);
  }
  const scale = normSum > 0 ? norm / (normSum / chosen.length) : 0;
  for (let i = 0; i < out.length; i++) out[i]! *= scale;
  return { rows: out, projection };
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

/**
 * The `k` eigenvectors of the covariance of the chosen rows with the largest eigenvalues, as the
 * columns of a `source x k` matrix. Cyclic Jacobi on the covariance: exact enough, deterministic,
 * and cheap at the widths of word vectors (a 300 x 300 matrix takes well under a second).
 */
function principalAxes(
  data: Float32Array,
  n: number,
  rows: readonly number[],
  mean: Float64Array,
  k: number,
): Float64Array {
  const a = new Float64Array(n * n);
  const x = new Float64Array(n);
  for (const i of rows) {
    for (let d = 0; d < n; d++) x[d] = data[i * n + d]! - mean[d]!;
    for (let p = 0; p < n; p++) {
      const xp = x[p]!;
      for (let q = p; q < n; q++) a[p * n + q]! += xp * x[q]!;
    }
  }
  for (let p = 0; p < n; p++) for (let q = 0; q < p; q++) a[p * n + q] = a[q * n + p]!;
  const v = identity(n);
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-18) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < n; r++) {
          const arp = a[r * n + p]!;
          const arq = a[r * n + q]!;
          a[r * n + p] = c * arp - s * arq;
          a[r * n + q] = s * arp + c * arq;
        }
        for (let r = 0; r < n; r++) {
          const apr = a[p * n + r]!;
          const aqr = a[q * n + r]!;
          a[p * n + r] = c * apr - s * aqr;
          a[q * n + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < n; r++) {
          const vrp = v[r * n + p]!;
          const vrq = v[r * n + q]!;
          v[r * n + p] = c * vrp - s * vrq;
          v[r * n + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j]! - a[i * n + i]! || i - j);
  const basis = new Float64Array(n * k);
  for (let c = 0; c < k; c++) {
    const col = order[c]!;
    for (let d = 0; d < n; d++) basis[d * k + c] = v[d * n + col]!;
  }
  return basis;
}
