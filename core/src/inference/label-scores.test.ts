import { describe, expect, it } from 'vitest';
import { scoreLogits } from './label-scores.js';

const LABELS = ['negative', 'neutral', 'positive'];

function sum(xs: readonly { score: number }[]): number {
  return xs.reduce((a, b) => a + b.score, 0);
}

describe('scoreLogits', () => {
  it('gives softmax probabilities that sum to 1, ranked highest first', () => {
    const ranked = scoreLogits([0.5, -1.25, 2], 0, LABELS, false);
    expect(ranked.map((s) => s.label)).toEqual(['positive', 'negative', 'neutral']);
    expect(sum(ranked)).toBeCloseTo(1, 12);
    const z = Math.exp(0.5) + Math.exp(-1.25) + Math.exp(2);
    expect(ranked[0]!.score).toBeCloseTo(Math.exp(2) / z, 12);
    expect(ranked[2]!.score).toBeCloseTo(Math.exp(-1.25) / z, 12);
    for (let i = 1; i < ranked.length; i++)
      expect(ranked[i - 1]!.score).toBeGreaterThanOrEqual(ranked[i]!.score);
  });

  it('reads the row at the given offset of a batch', () => {
    const batch = Float32Array.from([9, 0, 0, -3, 4, 1]);
    expect(scoreLogits(batch, 3, LABELS, false)[0]!.label).toBe('neutral');
    expect(scoreLogits(batch, 0, LABELS, false)[0]!.label).toBe('negative');
  });

  it('uses an independent sigmoid per label for multi-label models', () => {
    const ranked = scoreLogits([0, 3, -3], 0, ['spam', 'toxic', 'off-topic'], true);
    const byLabel = Object.fromEntries(ranked.map((s) => [s.label, s.score]));
    expect(byLabel.spam).toBeCloseTo(0.5, 12);
    expect(byLabel.toxic).toBeCloseTo(1 / (1 + Math.exp(-3)), 12);
    expect(byLabel['off-topic']).toBeCloseTo(1 / (1 + Math.exp(3)), 12);
    expect(ranked.map((s) => s.label)).toEqual(['toxic', 'spam', 'off-topic']);
    // Sigmoids do not share one unit of probability.
    expect(sum(ranked)).not.toBeCloseTo(1, 3);
  });

  it('stays finite and exact with very large logits', () => {
    const ranked = scoreLogits([1000, 999, -1000], 0, LABELS, false);
    for (const s of ranked) expect(Number.isFinite(s.score)).toBe(true);
    expect(sum(ranked)).toBeCloseTo(1, 12);
    expect(ranked[0]!.score).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(ranked[2]!.score).toBe(0);
    const sigmoid = scoreLogits([1000, -1000, 80], 0, LABELS, true);
    for (const s of sigmoid) expect(Number.isFinite(s.score)).toBe(true);
    expect(sigmoid.map((s) => s.score)).toEqual([1, 1, 0]);
  });

  it('keeps label order on ties, so results are reproducible', () => {
    const ranked = scoreLogits([1, 1, 1], 0, LABELS, false);
    expect(ranked.map((s) => s.label)).toEqual(LABELS);
    for (const s of ranked) expect(s.score).toBeCloseTo(1 / 3, 12);
  });
});
