import { expect } from 'vitest';
import type { TextClassification } from '../inference/label-scores.js';

/** Asserts two result lists agree: same labels, scores within `tolerance`, same truncation. */
export function expectSameClassifications(
  actual: readonly TextClassification[],
  expected: readonly TextClassification[],
  tolerance: number,
): void {
  expect(actual).toHaveLength(expected.length);
  for (const [i, a] of actual.entries()) {
    const e = expected[i]!;
    expect(a.truncated, `text ${i}: truncated`).toBe(e.truncated);
    const want = new Map(e.labels.map((s) => [s.label, s.score]));
    expect(a.labels.map((s) => s.label).sort()).toEqual([...want.keys()].sort());
    for (const s of a.labels) {
      const diff = Math.abs(s.score - want.get(s.label)!);
      expect(diff, `text ${i}, label ${s.label}: ${s.score} vs ${want.get(s.label)}`).toBeLessThanOrEqual(
        tolerance,
      );
    }
  }
}

/**
 * Texts from empty to a few hundred words, in an order that puts short and long ones in the same
 * batch: padding must not change anyone's result.
 */
export function mixedLengthTexts(): string[] {
  const sentence = 'The delivery was late again, but the support team fixed it quickly and kindly. ';
  return [
    '',
    'ok',
    sentence.repeat(30),
    'Terrible!',
    'Café naïve Ångström: 東京 🎉 — déjà vu?',
    sentence,
    ' ',
    sentence.repeat(3),
    'I would not recommend this to anyone.',
    sentence.repeat(12),
  ];
}
