import {
  RESPONSE_URL_LIFETIME_MS,
  RESPONSE_URL_MAX_USES,
  ResponseUrlLedger,
} from '@switchboard/plugin-slack';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';

const prefix = uniquePrefix('slack-ledger');
let redis: Redis;

beforeAll(() => {
  redis = new Redis(SHARED_REDIS_URL);
});

afterAll(async () => {
  redis?.disconnect();
  await deletePrefixKeys(SHARED_REDIS_URL, prefix);
});

it('allows five posts to a response_url, then refuses, counting in Redis across instances', async () => {
  const url = `https://hooks.slack.com/commands/T0/1/${prefix}`;
  const now = Date.now();
  const first = new ResponseUrlLedger(redis, prefix);
  const second = new ResponseUrlLedger(redis, prefix);
  const verdicts: (string | undefined)[] = [];
  for (let i = 0; i < RESPONSE_URL_MAX_USES + 1; i++) {
    verdicts.push(await (i % 2 === 0 ? first : second).claim(url, now, now));
  }
  expect(verdicts.slice(0, RESPONSE_URL_MAX_USES)).toEqual(Array(RESPONSE_URL_MAX_USES).fill(undefined));
  expect(verdicts[RESPONSE_URL_MAX_USES]).toBe('response_url used 5 times already');
  // Another URL has its own count.
  expect(await first.claim(`${url}-other`, now, now)).toBeUndefined();
});

it('refuses a response_url near the end of its 30 minutes without spending a use', async () => {
  const ledger = new ResponseUrlLedger(redis, prefix);
  const url = `https://hooks.slack.com/commands/T0/2/${prefix}`;
  const issued = Date.now() - RESPONSE_URL_LIFETIME_MS;
  expect(await ledger.claim(url, issued)).toBe('response_url is 30 minutes old');
  expect(await ledger.claim(url, Date.now() - 5 * 60_000)).toBeUndefined();
});
