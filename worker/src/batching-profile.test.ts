import { describe, expect, it } from 'vitest';
import { BATCHING_PAYS_AT, type BatchingProfile, resolveAutoBatching } from './batching-profile.js';

const bounds = { maxConcurrency: 16, waitMs: 2 };
const profile = (singleMs: number, gain: number): BatchingProfile => ({
  singleMs,
  batchMs: (8 * singleMs) / gain,
  gain,
});

describe('resolveAutoBatching', () => {
  it('keeps full concurrency and the wait for models whose runs batch well', () => {
    const auto = resolveAutoBatching(
      new Map([
        ['sentiment', profile(0.12, 4.1)],
        ['spam', profile(0.1, BATCHING_PAYS_AT)],
      ]),
      bounds,
    );
    expect(auto.concurrency).toBe(16);
    expect([...auto.waitMs]).toEqual([
      ['sentiment', 2],
      ['spam', 2],
    ]);
  });

  it('runs a transformer-like model at once and holds only enough jobs to hide the round trip', () => {
    const auto = resolveAutoBatching(new Map([['bert', profile(14, 1.6)]]), bounds);
    expect(auto.waitMs.get('bert')).toBe(0);
    expect(auto.concurrency).toBe(2);
  });

  it('holds more jobs for a fast model that does not batch, never more than the bound', () => {
    expect(resolveAutoBatching(new Map([['m', profile(0.5, 1.1)]]), bounds).concurrency).toBe(5);
    expect(resolveAutoBatching(new Map([['m', profile(0.01, 1.1)]]), bounds).concurrency).toBe(16);
  });

  it('takes the smallest concurrency across models, and the full one with no model', () => {
    const auto = resolveAutoBatching(
      new Map([
        ['sentiment', profile(0.12, 4.1)],
        ['bert', profile(9, 1.0)],
      ]),
      bounds,
    );
    expect(auto.concurrency).toBe(2);
    expect(auto.waitMs.get('sentiment')).toBe(2);
    expect(auto.waitMs.get('bert')).toBe(0);
    expect(resolveAutoBatching(new Map(), bounds).concurrency).toBe(16);
  });
});
