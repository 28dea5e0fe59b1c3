import { describe, expect, it } from 'vitest';
import { quantile, wilsonInterval } from '../src/channel-report.js';
import { parseSince } from '../src/parse-since.js';

describe('channel report arithmetic', () => {
  it('gives the 95% Wilson interval', () => {
    const [low, high] = wilsonInterval(8, 40);
    expect(low).toBeCloseTo(0.105, 3);
    expect(high).toBeCloseTo(0.3475, 3);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
    expect(wilsonInterval(10, 10)[1]).toBe(1);
  });

  it('takes quantiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 0.95)).toBe(95);
    expect(quantile([7], 0.95)).toBe(7);
    expect(quantile([], 0.5)).toBeNull();
  });

  it('reads --since as a duration or a date', () => {
    expect(parseSince('7d', 1_000_000_000)).toBe(1_000_000_000 - 7 * 86_400_000);
    expect(parseSince('30m', 10_000_000)).toBe(10_000_000 - 1_800_000);
    expect(parseSince('2026-12-01')).toBe(Date.UTC(2026, 11, 1));
    expect(() => parseSince('soon')).toThrow('--since "soon"');
  });
});
