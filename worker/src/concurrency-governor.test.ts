import { describe, expect, it } from 'vitest';
import { ConcurrencyGovernor } from './concurrency-governor.js';

describe('ConcurrencyGovernor', () => {
  const options = { base: 2, max: 16, growAfterMs: 500 };

  it('starts at base and doubles up to max while the queue never runs dry', () => {
    const worker = { concurrency: 99 };
    const governor = new ConcurrencyGovernor(worker, options, 0);
    expect(worker.concurrency).toBe(2);
    governor.tick(400);
    expect(worker.concurrency).toBe(2);
    const seen = [500, 1000, 1500, 2000, 2500].map((t) => {
      governor.tick(t);
      return worker.concurrency;
    });
    expect(seen).toEqual([4, 8, 16, 16, 16]);
  });

  it('goes back to base as soon as a fetch finds the queue empty', () => {
    const worker = { concurrency: 0 };
    const governor = new ConcurrencyGovernor(worker, options, 0);
    governor.tick(500);
    governor.tick(1000);
    expect(worker.concurrency).toBe(8);
    governor.drained(1100);
    expect(worker.concurrency).toBe(2);
    // The clock restarts at the drain: no growth until growAfterMs later.
    governor.tick(1500);
    expect(worker.concurrency).toBe(2);
    governor.tick(1600);
    expect(worker.concurrency).toBe(4);
  });
});
