import { describe, expect, it } from 'vitest';
import { BATCHING_PAYS_AT, type BatchingProfile, resolveAutoConcurrency } from './batching-profile.js';

const profile = (singleMs: number, gain: number): BatchingProfile => ({
  singleMs,
  batchMs: (8 * singleMs) / gain,
  gain,
});

describe('resolveAutoConcurrency', () => {
  it('holds the full number of jobs when every model batches well', () => {
    const profiles = new Map([
      ['sentiment', profile(0.12, 4.1)],
      ['spam', profile(0.1, BATCHING_PAYS_AT)],
    ]);
    expect(resolveAutoConcurrency(profiles, 16)).toBe(16);
  });

  it('holds only enough jobs to hide the round trip for a model that does not batch well', () => {
    expect(resolveAutoConcurrency(new Map([['bert', profile(14, 1.35)]]), 16)).toBe(2);
    expect(resolveAutoConcurrency(new Map([['m', profile(0.5, 1.1)]]), 16)).toBe(5);
    expect(resolveAutoConcurrency(new Map([['m', profile(0.01, 1.1)]]), 16)).toBe(16);
  });

  it('takes the smallest across models, and the full number with no model', () => {
    const profiles = new Map([
      ['sentiment', profile(0.12, 4.1)],
      ['bert', profile(9, 1.0)],
    ]);
    expect(resolveAutoConcurrency(profiles, 16)).toBe(2);
    expect(resolveAutoConcurrency(new Map(), 16)).toBe(16);
  });
});
