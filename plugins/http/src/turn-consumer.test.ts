import { RateLimiterMemory } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { TurnConsumer } from './turn-consumer.js';

describe('rate-limit points consumed a turn at a time', () => {
  it('gives the verdicts separate calls would: the first within budget pass, the rest are refused', async () => {
    const limiter = new RateLimiterMemory({ points: 5, duration: 60 });
    const consumer = new TurnConsumer(limiter, 5);
    const first = await Promise.all([consumer.consume('alice'), consumer.consume('alice')]);
    expect(first).toEqual([
      { allowed: true, remainingPoints: 4 },
      { allowed: true, remainingPoints: 3 },
    ]);
    const turn = await Promise.all([
      ...Array.from({ length: 5 }, () => consumer.consume('alice')),
      consumer.consume('bob'),
    ]);
    expect(turn.map((v) => v.allowed)).toEqual([true, true, true, false, false, true]);
    expect(turn[5]).toEqual({ allowed: true, remainingPoints: 4 });
    const refused = turn[4]!;
    expect(refused.allowed || refused.msBeforeNext).toBeGreaterThan(55_000);
    expect((await consumer.consume('alice')).allowed).toBe(false);
  });
});
