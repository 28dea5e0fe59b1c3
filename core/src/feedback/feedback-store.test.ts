import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { FeedbackRecord } from './feedback-record.js';
import { FeedbackStore } from './feedback-store.js';

const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: false });
const prefixes: string[] = [];

function store(options: { maxRecords?: number; maxAgeDays?: number; salt?: string } = {}): FeedbackStore {
  const prefix = `test-feedback-${randomUUID()}`;
  prefixes.push(prefix);
  return new FeedbackStore(redis, { prefix, ...options });
}

function record(over: Partial<FeedbackRecord> = {}): FeedbackRecord {
  return {
    jobId: 'http-1',
    textIndex: 0,
    channel: 'http',
    scope: { key: 'ci' },
    model: 'sentiment',
    version: '1',
    predicted: { label: 'positive', score: 0.9 },
    label: 'negative',
    at: Date.now(),
    person: 'p1',
    text: 'meh',
    ...over,
  };
}

afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  }
  redis.disconnect();
});

describe('FeedbackStore', () => {
  it('keeps one record per person and answer: a second replaces the first', async () => {
    const s = store();
    expect(await s.add(record({ label: 'negative' }))).toEqual({ replaced: false });
    expect(await s.add(record({ label: 'positive' }))).toEqual({ replaced: true });
    await s.add(record({ person: 'p2' }));
    await s.add(record({ textIndex: 1 }));
    const all = await s.list();
    expect(all).toHaveLength(3);
    expect(all.find((r) => r.person === 'p1' && r.textIndex === 0)?.label).toBe('positive');
  });

  it('bounds retention by count, dropping the oldest', async () => {
    const s = store({ maxRecords: 3 });
    const now = Date.now();
    for (let i = 0; i < 5; i++) await s.add(record({ jobId: `j${i}`, at: now - 1000 + i }));
    expect(await s.count()).toBe(3);
    expect((await s.list()).map((r) => r.jobId)).toEqual(['j2', 'j3', 'j4']);
  });

  it('bounds retention by age', async () => {
    const s = store({ maxAgeDays: 1 });
    await s.add(record({ jobId: 'old', at: Date.now() - 2 * 86_400_000 }));
    await s.add(record({ jobId: 'new' }));
    expect(await s.count()).toBe(1);
    expect((await s.list()).map((r) => r.jobId)).toEqual(['new']);
  });

  it('filters by time, model, version and channel', async () => {
    const s = store();
    const now = Date.now();
    await s.add(record({ jobId: 'a', at: now - 10_000 }));
    await s.add(record({ jobId: 'b', channel: 'slack' }));
    await s.add(record({ jobId: 'c', model: 'toxicity' }));
    await s.add(record({ jobId: 'd', version: '2' }));
    expect((await s.list({ since: now - 5_000 })).map((r) => r.jobId)).toEqual(['b', 'c', 'd']);
    expect((await s.list({ channel: 'slack' })).map((r) => r.jobId)).toEqual(['b']);
    expect((await s.list({ model: 'sentiment' })).map((r) => r.jobId)).toEqual(['a', 'b', 'd']);
    expect((await s.list({ model: 'sentiment@2' })).map((r) => r.jobId)).toEqual(['d']);
  });

  it('hashes people with a salt and never keeps the raw id', async () => {
    const s = store({ salt: 'pepper' });
    const a = await s.personHash('slack', 'U123');
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toContain('U123');
    expect(await s.personHash('slack', 'U123')).toBe(a);
    expect(await s.personHash('discord', 'U123')).not.toBe(a);
    expect(await store({ salt: 'other' }).personHash('slack', 'U123')).not.toBe(a);
  });

  it('creates one salt in Redis when none is configured, shared by every store of the prefix', async () => {
    const s = store();
    const twin = new FeedbackStore(redis, { prefix: prefixes.at(-1)! });
    expect(await s.personHash('http', 'ci')).toBe(await twin.personHash('http', 'ci'));
  });
});
