import { describe, expect, it } from 'vitest';
import { markdownTable } from './markdown-table.js';
import { mean, percentile } from './stats.js';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles without reordering the input', () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 99)).toBe(10);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([42], 99)).toBe(42);
    expect(percentile([], 50)).toBeNaN();
    expect(samples[0]).toBe(5);
    expect(mean([1, 2, 3, 6])).toBe(3);
  });

  it('renders a markdown table with numeric columns right-aligned', () => {
    expect(
      markdownTable(
        ['batch', 'model'],
        [
          ['8', 'sentiment'],
          ['128', 'spam'],
        ],
      ),
    ).toBe(
      [
        '| batch | model     |',
        '|------:|-----------|',
        '|     8 | sentiment |',
        '|   128 | spam      |',
      ].join('\n'),
    );
  });
});
