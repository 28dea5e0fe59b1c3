import { describe, expect, it } from 'vitest';
import { computeMetrics } from './metrics.js';

describe('computeMetrics', () => {
  it('matches figures worked out by hand', () => {
    // gold:      a a a a b b b c c c
    // predicted: a a b c b b a c c b
    const labels = ['a', 'b', 'c'];
    const gold = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    const predicted = [0, 0, 1, 2, 1, 1, 0, 2, 2, 1];
    const m = computeMetrics(labels, gold, predicted);
    expect(m.examples).toBe(10);
    expect(m.accuracy).toBeCloseTo(6 / 10, 12);
    expect(m.confusion).toEqual([
      [2, 1, 1],
      [1, 2, 0],
      [0, 1, 2],
    ]);
    // a: tp 2, predicted 3, gold 4 -> p 2/3, r 1/2, f1 4/7
    // b: tp 2, predicted 4, gold 3 -> p 1/2, r 2/3, f1 4/7
    // c: tp 2, predicted 3, gold 3 -> p 2/3, r 2/3, f1 2/3
    expect(m.perLabel.a).toEqual({
      precision: 2 / 3,
      recall: 1 / 2,
      f1: expect.closeTo(4 / 7, 12),
      support: 4,
    });
    expect(m.perLabel.b).toEqual({
      precision: 1 / 2,
      recall: 2 / 3,
      f1: expect.closeTo(4 / 7, 12),
      support: 3,
    });
    expect(m.perLabel.c!.f1).toBeCloseTo(2 / 3, 12);
    expect(m.macroF1).toBeCloseTo((4 / 7 + 4 / 7 + 2 / 3) / 3, 12);
  });

  it('gives zeros, not NaN, for a label never predicted, and leaves absent labels out of macro-F1', () => {
    const m = computeMetrics(['x', 'y', 'z'], [0, 0, 1], [0, 0, 0]);
    expect(m.perLabel.y).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    // z occurs neither in gold nor predictions: macro over x (f1 0.8) and y (0).
    expect(m.macroF1).toBeCloseTo(0.4, 12);
  });

  it('refuses gold and predictions of different lengths', () => {
    expect(() => computeMetrics(['a', 'b'], [0, 1], [0])).toThrow(RangeError);
  });
});
