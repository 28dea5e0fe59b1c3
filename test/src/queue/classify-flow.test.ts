import { join } from 'node:path';
import {
  CLASSIFY_QUEUE,
  ClassifyQueue,
  connectionFromUrl,
  readModelFolder,
  SwitchboardError,
} from '@switchboard/core';
import { OnnxClassifier } from '@switchboard/core/inference';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cueLabel, FILLER_WORDS } from '../helpers/cue-model.js';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { testRequest, uniqueRequestId } from '../helpers/requests.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { metricSum, scrapeMetrics } from '../helpers/worker-metrics.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';

const redisUrl = SHARED_REDIS_URL;
const prefix = uniquePrefix('flow');
let models: TestModels;
let worker: WorkerProcess;
let queue: ClassifyQueue;

beforeAll(async () => {
  models = await createTestModels();
  worker = await startWorker({ redisUrl, prefix, modelsDir: models.dir });
  queue = await ClassifyQueue.connect({ redisUrl, prefix });
});

afterAll(async () => {
  await queue?.close();
  await worker?.stop();
  await deletePrefixKeys(redisUrl, prefix);
  await models?.remove();
});

/** Texts of job `i` of producer `p`: one to three texts, a third of them with each cue word. */
function textsOf(p: number, i: number): string[] {
  const n = 1 + ((p + i) % 3);
  return Array.from({ length: n }, (_, k) => {
    const a = FILLER_WORDS[(i + k) % FILLER_WORDS.length]!;
    const b = FILLER_WORDS[(p * 7 + i * 3 + k) % FILLER_WORDS.length]!;
    const cue = ['sunny', 'rainy', ''][(i + k) % 3];
    return `${a} ${cue} ${b}`.replace(/\s+/g, ' ');
  });
}

/** The model's own answer for the same texts, without any queue. */
async function inProcess(texts: readonly string[]) {
  const classifier = await OnnxClassifier.load(await readModelFolder(join(models.dir, FAST_MODEL)));
  try {
    return await classifier.classify(texts);
  } finally {
    await classifier.close();
  }
}

describe('classification through the queue and a worker process', () => {
  it('completes 1,000 jobs from 4 concurrent producers with the labels the model gives in process', async () => {
    const producers = await Promise.all(
      Array.from({ length: 4 }, () => ClassifyQueue.connect({ redisUrl, prefix })),
    );
    try {
      const jobs = producers.flatMap((_, p) =>
        Array.from({ length: 250 }, (_, i) => testRequest(FAST_MODEL, textsOf(p, i))),
      );
      const results = await Promise.all(
        producers.map((producer, p) =>
          Promise.all(jobs.slice(p * 250, (p + 1) * 250).map((job) => producer.enqueueAndWait(job, 60_000))),
        ),
      ).then((perProducer) => perProducer.flat());

      expect(results).toHaveLength(1_000);
      const texts = jobs.flatMap((j) => j.texts);
      const reference = await inProcess(texts);
      const got = results.flatMap((r, i) => {
        expect(r.id).toBe(jobs[i]!.id);
        expect(r.model).toBe(FAST_MODEL);
        expect(r.version).toBe('1.0.0');
        expect(r.results).toHaveLength(jobs[i]!.texts.length);
        return r.results;
      });
      expect(got.map((r) => r.top.label)).toEqual(texts.map(cueLabel));
      expect(got.map((r) => r.top.label)).toEqual(reference.map((r) => r.top.label));
      got.forEach((r, i) => {
        expect(r.top.score).toBeCloseTo(reference[i]!.top.score, 5);
      });
      // Every label of the three appears, so the comparison above is not trivially about one label.
      expect(new Set(got.map((r) => r.top.label))).toEqual(new Set(['negative', 'neutral', 'positive']));

      const counts = await queue.counts();
      expect(counts.failed).toBe(0);
      expect(counts.completed).toBeGreaterThanOrEqual(1_000);
    } finally {
      await Promise.all(producers.map((p) => p.close()));
    }
  });

  it('classifies a repeated request id once', async () => {
    const request = testRequest(FAST_MODEL, ['a sunny day'], { channel: 'dedupe' });
    // Tests in a file run one after another, so the queue's counts move only by this test's jobs.
    const before = await queue.counts();
    const [first, second] = await Promise.all([queue.enqueue(request), queue.enqueue(request)]);
    expect(first).toBe(request.id);
    expect(second).toBe(request.id);
    const result = await queue.wait(request.id, 20_000);
    expect(result.results[0]!.top.label).toBe('positive');
    // A retried webhook after the job finished finds the kept job and adds nothing.
    await queue.enqueue(request);
    expect((await queue.enqueueAndWait(request, 20_000)).finishedAt).toBe(result.finishedAt);

    const job = await queue.getJob(request.id);
    expect(job?.state).toBe('completed');
    expect(job?.attemptsMade).toBe(1);
    const after = await queue.counts();
    expect(after.completed - before.completed).toBe(1);
    expect(after).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: before.failed });
    const metrics = await scrapeMetrics(worker.baseUrl);
    expect(metricSum(metrics, 'switchboard_jobs_completed_total', { channel: 'dedupe' })).toBe(1);
  });

  it('fails a job for an unknown model once, with a message that lists the models there are', async () => {
    const request = testRequest('no-such-model', ['a rainy day']);
    const error = await queue.enqueueAndWait(request, 20_000).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).code).toBe('unknown_model');
    expect((error as SwitchboardError).message).toBe(
      `Unknown model "no-such-model". Available models: ${FAST_MODEL}.`,
    );
    const job = await queue.getJob(request.id);
    expect(job?.state).toBe('failed');
    expect(job?.attemptsMade).toBe(1);
    expect(job?.error).toEqual({ code: 'unknown_model', message: (error as Error).message });
  });

  it('fails an invalid payload added straight through BullMQ without retrying it', async () => {
    const raw = new Queue(CLASSIFY_QUEUE, { connection: connectionFromUrl(redisUrl), prefix });
    try {
      const id = uniqueRequestId('raw');
      await raw.add(FAST_MODEL, { v: 1, id, model: FAST_MODEL, texts: [] }, { jobId: id, attempts: 3 });
      const job = await waitFor(
        async () => {
          const j = await queue.getJob(id);
          return j?.state === 'failed' ? j : undefined;
        },
        { what: 'the invalid job to fail' },
      );
      expect(job.attemptsMade).toBe(1);
      expect(job.error?.code).toBe('invalid_input');
      expect(job.error?.message).toMatch(/^Invalid request: /);
    } finally {
      await raw.close();
    }
  });

  it('serves /healthz, /readyz and /metrics with the latency and batch histograms', async () => {
    await queue.enqueueAndWait(testRequest(FAST_MODEL, ['rainy', 'sunny']), 20_000);
    const health = await fetch(`${worker.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${worker.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    const metrics = await scrapeMetrics(worker.baseUrl);
    for (const histogram of [
      'switchboard_queue_wait_seconds',
      'switchboard_inference_seconds',
      'switchboard_end_to_end_seconds',
      'switchboard_batch_size',
    ]) {
      expect(metricSum(metrics, `${histogram}_count`, { model: FAST_MODEL }), histogram).toBeGreaterThan(0);
      expect(metrics.some((s) => s.name === `${histogram}_bucket` && s.labels.le === '+Inf')).toBe(true);
    }
    expect(metricSum(metrics, 'switchboard_models_loaded')).toBe(1);
  });
});
