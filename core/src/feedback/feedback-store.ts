import { createHmac, randomBytes } from 'node:crypto';
import type { RedisClient } from '../queue/redis-connection.js';
import type { FeedbackRecord } from './feedback-record.js';

/** Default most records kept (`SWITCHBOARD_FEEDBACK_MAX_RECORDS`). */
export const DEFAULT_FEEDBACK_MAX_RECORDS = 100_000;
/** Default days a record is kept (`SWITCHBOARD_FEEDBACK_MAX_AGE_DAYS`). */
export const DEFAULT_FEEDBACK_MAX_AGE_DAYS = 90;

const DAY_MS = 86_400_000;
// HMGET is read in slices so a large export never builds one huge reply.
const READ_SLICE = 500;

/** Options of {@link FeedbackStore}. */
export interface FeedbackStoreOptions {
  /** Queue key prefix, as the queues use it (already `{tagged}` on a cluster). */
  readonly prefix: string;
  /** Most records kept; the oldest go first. */
  readonly maxRecords?: number;
  /** Days a record is kept. */
  readonly maxAgeDays?: number;
  /**
   * Secret mixed into person hashes (`SWITCHBOARD_FEEDBACK_SALT`). When empty, a random salt is
   * created once and kept in Redis, so hashes stay stable across restarts and copies.
   */
  readonly salt?: string;
}

/** What {@link FeedbackStore.list} returns records for. */
export interface FeedbackFilter {
  /** Only records given at or after this time (ms since the epoch). */
  readonly since?: number;
  /** Only this model; `name@version` also narrows to that version. */
  readonly model?: string;
  readonly channel?: string;
}

// Adds or replaces one record, then trims by age and count, in one step so that copies of a
// channel adding at once never leave the index and the records out of step.
// KEYS: records hash, time index. ARGV: member, json, time, oldest time kept, most records.
const ADD_SCRIPT = `
local fresh = redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4], 'LIMIT', 0, 1000)
for i = 1, #old do
  redis.call('HDEL', KEYS[1], old[i])
  redis.call('ZREM', KEYS[2], old[i])
end
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[5])
if excess > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[2], excess)
  for i = 1, #popped, 2 do redis.call('HDEL', KEYS[1], popped[i]) end
end
return fresh
`;

/**
 * Durable feedback on answers, in Redis beside the queues. One person has one record per answer
 * (job and text): a second verdict replaces the first. Retention is bounded by count and by age,
 * so the store never grows without limit. People are kept only as salted hashes.
 */
export class FeedbackStore {
  private readonly recordsKey: string;
  private readonly timeKey: string;
  private readonly saltKey: string;
  private readonly maxRecords: number;
  private readonly maxAgeMs: number;
  private salt: Promise<string> | undefined;

  constructor(
    private readonly redis: RedisClient,
    options: FeedbackStoreOptions,
  ) {
    this.recordsKey = `${options.prefix}:feedback:records`;
    this.timeKey = `${options.prefix}:feedback:time`;
    this.saltKey = `${options.prefix}:feedback:salt`;
    this.maxRecords = options.maxRecords ?? DEFAULT_FEEDBACK_MAX_RECORDS;
    this.maxAgeMs = (options.maxAgeDays ?? DEFAULT_FEEDBACK_MAX_AGE_DAYS) * DAY_MS;
    if (!(this.maxRecords >= 1)) throw new Error('FeedbackStore: maxRecords must be at least 1');
    if (!(this.maxAgeMs > 0)) throw new Error('FeedbackStore: maxAgeDays must be above 0');
    if (options.salt) this.salt = Promise.resolve(options.salt);
  }

  /**
   * The salted hash that stands for a person of a channel. The same person on another channel
   * hashes differently, so records cannot be joined across platforms.
   */
  async personHash(channel: string, rawId: string): Promise<string> {
    const salt = await this.currentSalt();
    return createHmac('sha256', salt).update(`${channel}\u0000${rawId}`).digest('hex').slice(0, 32);
  }

  /**
   * Stores a record, replacing the same person's earlier one for the same answer.
   * @returns whether an earlier record was replaced
   */
  async add(record: FeedbackRecord): Promise<{ replaced: boolean }> {
    const member = `${record.jobId}\u0000${record.textIndex}\u0000${record.person}`;
    const fresh = (await this.redis.eval(
      ADD_SCRIPT,
      2,
      this.recordsKey,
      this.timeKey,
      member,
      JSON.stringify(record),
      String(record.at),
      String(Date.now() - this.maxAgeMs),
      String(this.maxRecords),
    )) as number;
    return { replaced: fresh === 0 };
  }

  /** Records matching `filter`, oldest first; records past the age limit are left out. */
  async list(filter: FeedbackFilter = {}): Promise<FeedbackRecord[]> {
    const since = Math.max(filter.since ?? 0, Date.now() - this.maxAgeMs);
    const members = await this.redis.zrangebyscore(this.timeKey, since, '+inf');
    const [name, version] = (filter.model ?? '').split('@');
    const out: FeedbackRecord[] = [];
    for (let i = 0; i < members.length; i += READ_SLICE) {
      const values = await this.redis.hmget(this.recordsKey, ...members.slice(i, i + READ_SLICE));
      for (const value of values) {
        if (value === null) continue;
        const record = JSON.parse(value) as FeedbackRecord;
        if (filter.channel && record.channel !== filter.channel) continue;
        if (name && record.model !== name) continue;
        if (version && record.version !== version) continue;
        out.push(record);
      }
    }
    return out;
  }

  /** Number of records kept. */
  count(): Promise<number> {
    return this.redis.zcard(this.timeKey);
  }

  private currentSalt(): Promise<string> {
    this.salt ??= (async () => {
      await this.redis.set(this.saltKey, randomBytes(32).toString('hex'), 'NX');
      const kept = await this.redis.get(this.saltKey);
      if (!kept) throw new Error('The feedback salt could not be read back from Redis.');
      return kept;
    })().catch((err) => {
      this.salt = undefined;
      throw err;
    });
    return this.salt;
  }
}
