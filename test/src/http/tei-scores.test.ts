import { scoreLogits } from '@switchboard/core/inference';
import { parsePredictInputs, rawScore, toPredictions } from '@switchboard/plugin-http';
import { describe, expect, it } from 'vitest';

describe('raw scores for /predict', () => {
  it('recovers the logits of a multi-label (sigmoid) model from its probabilities', () => {
    const logits = [-12.5, -3, -0.25, 0, 0.7, 4, 15];
    const labels = logits.map((_, i) => `l${i}`);
    const scored = scoreLogits(logits, 0, labels, true);
    for (const { label, score } of scored) {
      expect(rawScore(score, true)).toBeCloseTo(logits[labels.indexOf(label)]!, 6);
    }
  });

  it('gives log-probabilities for a single-label model: logits shifted by one constant per text', () => {
    const logits = [2, -1, 0.5];
    const labels = ['a', 'b', 'c'];
    const predictions = toPredictions(
      { labels: scoreLogits(logits, 0, labels, false), top: { label: 'a', score: 0 }, truncated: false },
      true,
      false,
    );
    expect(predictions.map((p) => p.label)).toEqual(['a', 'c', 'b']);
    const shifts = predictions.map((p) => logits[labels.indexOf(p.label)]! - p.score);
    for (const shift of shifts) expect(shift).toBeCloseTo(shifts[0]!, 9);
  });

  it('clamps probabilities that rounded to 0 or 1 to finite bounds', () => {
    expect(rawScore(0, false)).toBe(-745);
    expect(rawScore(1, true)).toBe(745);
    expect(rawScore(0, true)).toBe(-745);
    expect(Number.isFinite(rawScore(1, false))).toBe(true);
  });

  it("reads TEI's input shapes: one text, a one-element array, a batch", () => {
    expect(parsePredictInputs('hi')).toEqual({ texts: ['hi'], batch: false });
    expect(parsePredictInputs(['hi'])).toEqual({ texts: ['hi'], batch: false });
    expect(parsePredictInputs([['a'], ['b']])).toEqual({ texts: ['a', 'b'], batch: true });
    expect(() => parsePredictInputs(['a', 'b'])).toThrow(/sentence pair/);
    expect(() => parsePredictInputs([['a'], ['b', 'c', 'd']])).toThrow(/inputs\[1\] must hold one text/);
  });
});
