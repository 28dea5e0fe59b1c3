import {
  CLASSIFY_QUEUE,
  ClassifyQueue,
  ClassifyRequestSchema,
  connectionFromUrl,
  decodeFailure,
  InputError,
  parseClassifyRequest,
} from '@switchboard/core';
import { Queue } from 'bullmq';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { testRequest } from '../helpers/requests.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';
import { hostileText } from './hostile-text.js';

// The job schema is the contract between every producer and the workers. Whatever a producer
// (or anyone with access to Redis) puts in a job, validation answers with an InputError naming
// the field, and a worker fails such a job cleanly as invalid_input and goes on working.

const RUNS = 400;

/** Any value JavaScript can hand to the validator, exotic ones included. */
const anyValue = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
});

const FIELDS = [
  'v',
  'id',
  'model',
  'texts',
  'channel',
  'requester',
  'replyMode',
  'replyTo',
  'createdAt',
] as const;

/** A valid request with one field (or one text, or the requester's id) replaced by `values` or removed. */
const nearlyValidWith = (values: fc.Arbitrary<unknown>) =>
  fc
    .tuple(
      fc.constantFrom(...FIELDS, 'texts[0]', 'requester.id', 'replyTo.x'),
      fc.oneof(values, hostileText, fc.constant(undefined)),
    )
    .map(([field, value]) => {
      const request: Record<string, unknown> = { ...testRequest(FAST_MODEL, ['sunny', 'rainy']) };
      if (field === 'texts[0]') request.texts = [value, 'rainy'];
      else if (field === 'requester.id') request.requester = { id: value };
      else if (field === 'replyTo.x') request.replyTo = { x: value };
      else if (value === undefined) delete request[field];
      else request[field] = value;
      return request;
    });

const nearlyValid = nearlyValidWith(anyValue);

/** Validation's only way to refuse: an InputError with a message for a person. */
function refusesCleanly(value: unknown): void {
  try {
    parseClassifyRequest(value);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('invalid_input');
    expect((err as InputError).message).toMatch(/\S/);
  }
}

describe('the job schema under fuzzing', () => {
  it('parseClassifyRequest throws nothing but InputError, for any value at all', () => {
    fc.assert(fc.property(anyValue, refusesCleanly), { numRuns: RUNS });
  });

  it('parseClassifyRequest throws nothing but InputError for requests one field away from valid', () => {
    fc.assert(fc.property(nearlyValid, refusesCleanly), { numRuns: RUNS });
  });

  it('ClassifyRequestSchema.safeParse never throws', () => {
    fc.assert(
      fc.property(fc.oneof(anyValue, nearlyValid), (value) => {
        expect(typeof ClassifyRequestSchema.safeParse(value).success).toBe('boolean');
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses reply targets that cannot be stored as JSON instead of throwing', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const replyTo of [{ n: 10n }, circular, { f: () => 1 }]) {
      refusesCleanly({ ...testRequest(FAST_MODEL, ['sunny']), replyTo });
    }
  });
});

describe('raw jobs with arbitrary data, straight onto the queue', () => {
  const redisUrl = SHARED_REDIS_URL;
  const prefix = uniquePrefix('fuzz-jobs');
  let models: TestModels;
  let worker: WorkerProcess;
  let raw: Queue;
  let producer: ClassifyQueue;

  beforeAll(async () => {
    models = await createTestModels();
    worker = await startWorker({ redisUrl, prefix, modelsDir: models.dir });
    raw = new Queue(CLASSIFY_QUEUE, { connection: connectionFromUrl(redisUrl), prefix });
    producer = await ClassifyQueue.connect({ redisUrl, prefix });
  });

  afterAll(async () => {
    await worker?.stop();
    await raw?.close();
    await producer?.close();
    await deletePrefixKeys(redisUrl, prefix);
    await models?.remove();
  });

  it('fails each one cleanly as invalid_input, without retries and without killing the worker', async () => {
    // What JSON can carry (BullMQ stores job data as JSON), and near-misses of a real request.
    const data = fc.sample(
      fc.oneof(
        fc.jsonValue({ maxDepth: 4 }),
        nearlyValidWith(fc.jsonValue({ maxDepth: 3 })).filter(
          (r) => !ClassifyRequestSchema.safeParse(r).success,
        ),
      ),
      { numRuns: 300, seed: 42 },
    );
    const names = fc.sample(fc.oneof(fc.constant(FAST_MODEL), fc.string({ maxLength: 40 })), {
      numRuns: data.length,
      seed: 7,
    });
    const jobs = await raw.addBulk(
      data.map((value, i) => ({
        name: names[i]!,
        // JSON round trip: what a producer in another language would have written.
        data: JSON.parse(JSON.stringify(value ?? null)),
        opts: { jobId: `fuzz-${i}`, attempts: 3 },
      })),
    );
    await waitFor(
      async () => {
        const c = await raw.getJobCounts('failed', 'completed');
        return c.failed + c.completed === jobs.length;
      },
      { timeoutMs: 30_000, what: `all ${jobs.length} raw jobs to finish` },
    );
    const failed = await raw.getFailed(0, -1);
    expect(failed).toHaveLength(jobs.length);
    for (const job of failed) {
      expect(decodeFailure(job.failedReason).code, job.failedReason).toBe('invalid_input');
      expect(job.failedReason).toMatch(/^\[invalid_input\] Invalid request: /);
      // An invalid job is final: retrying cannot make it valid.
      expect(job.attemptsMade).toBe(1);
    }

    expect(worker.running).toBe(true);
    const result = await producer.enqueueAndWait(testRequest(FAST_MODEL, ['sunny', 'rainy']), 20_000);
    expect(result.results.map((r) => r.top.label)).toEqual(['positive', 'negative']);
    expect((await fetch(`${worker.baseUrl}/readyz`)).status).toBe(200);
  });
});
