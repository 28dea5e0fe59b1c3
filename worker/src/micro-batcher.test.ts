import type { EncodedText, TextClassification } from '@switchboard/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BatchReport, MicroBatcher, type MicroBatcherOptions } from './micro-batcher.js';

/** A text whose ids are `width` copies of `tag`, so a result can be traced back to its text. */
function text(tag: number, width = 1): EncodedText {
  return { ids: Array.from({ length: width }, () => tag), truncated: false };
}

/** The fake model's answer for a text: its tag as the label. */
function labelOf(encoded: EncodedText): string {
  return `t${encoded.ids[0]}`;
}

/**
 * A fake run function: records each batch and answers when the test releases it, so the test
 * decides when a run ends. Texts tagged `poison` make their run fail.
 */
class FakeModel {
  readonly batches: number[][] = [];
  private readonly pending: Array<() => void> = [];
  constructor(private readonly poison = -1) {}

  readonly run = (batch: readonly EncodedText[]): Promise<TextClassification[]> => {
    this.batches.push(batch.map((e) => e.ids[0]!));
    return new Promise((resolve, reject) => {
      this.pending.push(() => {
        if (batch.some((e) => e.ids[0] === this.poison)) reject(new Error('model broke'));
        else
          resolve(
            batch.map((e) => {
              const top = { label: labelOf(e), score: 1 };
              return { labels: [top], top, truncated: e.truncated };
            }),
          );
      });
    });
  };

  /** Lets the oldest unfinished run return. */
  finishOne(): void {
    this.pending.shift()?.();
  }

  /** Runs that have started and not been finished by the test. */
  get running(): number {
    return this.pending.length;
  }
}

function batcher(model: FakeModel, options: Partial<MicroBatcherOptions>, reports?: BatchReport[]) {
  return new MicroBatcher(
    model.run,
    { maxBatch: 32, maxTokens: 1_000_000, maxWaitMs: 10_000, ...options },
    reports ? (r) => reports.push(r) : undefined,
  );
}

const labels = (results: TextClassification[]) => results.map((r) => r.top.label);

// Fake timers: a batch that runs while the wait has not elapsed proves another trigger fired.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('MicroBatcher', () => {
  it('runs as soon as maxBatch texts are waiting, without waiting maxWaitMs', async () => {
    const model = new FakeModel();
    const b = batcher(model, { maxBatch: 4 });
    const jobs = [1, 2, 3].map((t) => b.submit([text(t)]));
    expect(model.batches).toEqual([]);
    expect(b.waiting).toBe(3);
    jobs.push(b.submit([text(4)]));
    expect(model.batches).toEqual([[1, 2, 3, 4]]);
    model.finishOne();
    expect((await Promise.all(jobs)).map(labels)).toEqual([['t1'], ['t2'], ['t3'], ['t4']]);
  });

  it('runs as soon as the padded tokens reach maxTokens, and keeps each run within the budget', async () => {
    const model = new FakeModel();
    const reports: BatchReport[] = [];
    const b = batcher(model, { maxTokens: 10 }, reports);
    const first = b.submit([text(1, 4)]);
    expect(model.batches).toEqual([]);
    // Padded to the longest text: 2 texts × 6 ids = 12 > 10, so the budget is reached.
    const second = b.submit([text(2, 6)]);
    expect(model.batches).toEqual([[1]]);
    model.finishOne();
    expect(labels(await first)).toEqual(['t1']);
    // The 6-id text alone (6 tokens) is under the budget again: it waits for company or time.
    expect(model.batches).toEqual([[1]]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(model.batches).toEqual([[1], [2]]);
    model.finishOne();
    expect(labels(await second)).toEqual(['t2']);
    expect(reports.map((r) => [r.size, r.width])).toEqual([
      [1, 4],
      [1, 6],
    ]);
  });

  it('runs a lone text once it has waited maxWaitMs', async () => {
    const model = new FakeModel();
    const b = batcher(model, { maxWaitMs: 5 });
    const job = b.submit([text(7)]);
    await vi.advanceTimersByTimeAsync(4);
    expect(model.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(model.batches).toEqual([[7]]);
    model.finishOne();
    expect(labels(await job)).toEqual(['t7']);
  });

  it('keeps one run in flight; texts that arrive meanwhile form the next batch', async () => {
    const model = new FakeModel();
    const b = batcher(model, { maxBatch: 2 });
    const jobs = [b.submit([text(1), text(2)]), b.submit([text(3)]), b.submit([text(4), text(5)])];
    expect(model.batches).toEqual([[1, 2]]);
    expect(model.running).toBe(1);
    model.finishOne();
    await vi.advanceTimersByTimeAsync(0);
    expect(model.batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    model.finishOne();
    await vi.advanceTimersByTimeAsync(0);
    // One text left: under maxBatch, so it waits out maxWaitMs.
    expect(model.batches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(model.batches).toEqual([[1, 2], [3, 4], [5]]);
    model.finishOne();
    expect((await Promise.all(jobs)).map(labels)).toEqual([['t1', 't2'], ['t3'], ['t4', 't5']]);
  });

  it('gives each submitter its own results in its own order, across batches', async () => {
    const model = new FakeModel();
    const b = batcher(model, { maxBatch: 3 });
    const a = b.submit([10, 11, 12, 13].map((t) => text(t)));
    const c = b.submit([20, 21].map((t) => text(t)));
    const d = b.submit([text(30)]);
    for (let i = 0; i < 3; i++) {
      // The last batch holds one text: it runs once it has waited maxWaitMs.
      await vi.advanceTimersByTimeAsync(10_000);
      model.finishOne();
    }
    expect(model.batches).toEqual([[10, 11, 12], [13, 20, 21], [30]]);
    expect(labels(await a)).toEqual(['t10', 't11', 't12', 't13']);
    expect(labels(await c)).toEqual(['t20', 't21']);
    expect(labels(await d)).toEqual(['t30']);
    expect(await b.submit([])).toEqual([]);
  });

  it('rejects only the submitters of a failed batch; later batches still run', async () => {
    const model = new FakeModel(2);
    const b = batcher(model, { maxBatch: 3 });
    const ok = b.submit([text(1)]);
    const poisoned = b.submit([text(2)]);
    // Spans the failed batch and the next one: rejected once, even though its second text runs fine.
    const spanning = b.submit([text(3), text(4)]);
    const later = b.submit([text(5)]);
    const outcomes = Promise.allSettled([ok, poisoned, spanning, later]);
    model.finishOne();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(model.batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    model.finishOne();
    const [r1, r2, r3, r4] = await outcomes;
    expect(r1).toEqual({ status: 'rejected', reason: new Error('model broke') });
    expect(r2).toEqual({ status: 'rejected', reason: new Error('model broke') });
    expect(r3).toEqual({ status: 'rejected', reason: new Error('model broke') });
    expect(r4.status).toBe('fulfilled');
    expect(labels((r4 as PromiseFulfilledResult<TextClassification[]>).value)).toEqual(['t5']);
  });
});
