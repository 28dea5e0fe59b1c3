import { ConflictError, NotFoundError, SwitchboardClient } from '@switchboard/client';
import { FeedbackStore, queuePrefix } from '@switchboard/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_MODEL } from '../helpers/test-models.js';
import { type Api, type Backend, call, KEYS, startApi, startBackend } from './http-stack.js';

let backend: Backend;
let idle: Backend;
let api: Api;
let shortWindow: Api;
let idleApi: Api;
let redis: Redis;

beforeAll(async () => {
  backend = await startBackend();
  idle = await startBackend({ worker: false });
  api = await startApi(backend);
  shortWindow = await startApi(backend, { feedbackWindowMs: 1_500, feedbackKeepText: 'false' });
  idleApi = await startApi(idle);
  redis = new Redis(backend.redisUrl);
});

afterAll(async () => {
  redis?.disconnect();
  await Promise.all([api?.close(), shortWindow?.close(), idleApi?.close()]);
  await Promise.all([backend?.close(), idle?.close()]);
});

function records(): Promise<Awaited<ReturnType<FeedbackStore['list']>>> {
  return new FeedbackStore(redis, { prefix: queuePrefix(backend.prefix, backend.redisUrl) }).list();
}

async function classify(url: string, inputs: string | string[]): Promise<string> {
  const res = await call(url, 'POST', '/v1/classify', { body: { inputs } });
  expect(res.status).toBe(200);
  return res.body.id as string;
}

describe('POST /v1/jobs/{id}/feedback', () => {
  it('records the right label, and a second feedback of the same key replaces the first', async () => {
    const id = await classify(api.url, ['sunny', 'rainy']);
    const first = await call(api.url, 'POST', `/v1/jobs/${id}/feedback`, { body: { correct: true } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      id,
      index: 0,
      model: FAST_MODEL,
      version: '1.0.0',
      predicted: 'positive',
      label: 'positive',
      correct: true,
      replaced: false,
    });
    const second = await call(api.url, 'POST', `/v1/jobs/${id}/feedback`, { body: { label: 'negative' } });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ label: 'negative', correct: false, replaced: true });
    const other = await call(api.url, 'POST', `/v1/jobs/${id}/feedback`, {
      body: { index: 1, correct: true },
    });
    expect(other.body).toMatchObject({ index: 1, predicted: 'negative', replaced: false });

    const kept = (await records()).filter((r) => r.jobId === id);
    expect(kept).toHaveLength(2);
    const rated = kept.find((r) => r.textIndex === 0)!;
    expect(rated).toMatchObject({
      channel: 'http',
      scope: { key: 'alice' },
      model: FAST_MODEL,
      version: '1.0.0',
      predicted: { label: 'positive' },
      label: 'negative',
      text: 'sunny',
    });
    expect(rated.person).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(kept)).not.toContain(KEYS.alice);
  });

  it("answers 404 for an unknown job and for another key's job", async () => {
    const id = await classify(api.url, 'sunny');
    const unknown = await call(api.url, 'POST', '/v1/jobs/http-nosuchjob/feedback', {
      body: { correct: true },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
    const bob = await call(api.url, 'POST', `/v1/jobs/${id}/feedback`, {
      key: KEYS.bob,
      body: { correct: true },
    });
    expect(bob.status).toBe(404);
    expect(bob.body.error).toContain('No job with id');
  });

  it('answers 422 for a label the model lacks, naming its labels, and for an empty verdict', async () => {
    const id = await classify(api.url, 'sunny');
    const res = await call(api.url, 'POST', `/v1/jobs/${id}/feedback`, { body: { label: 'purple' } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('unknown_label');
    expect(res.body.error).toContain('negative');
    const empty = await call(api.url, 'POST', `/v1/jobs/${id}/feedback`, { body: {} });
    expect(empty.status).toBe(422);
    const outOfRange = await call(api.url, 'POST', `/v1/jobs/${id}/feedback`, {
      body: { index: 3, correct: true },
    });
    expect(outOfRange.status).toBe(422);
    expect((await records()).filter((r) => r.jobId === id)).toEqual([]);
  });

  it('answers 409 for a job not completed yet', async () => {
    const res = await call(idleApi.url, 'POST', '/v1/classify', { body: { inputs: 'sunny', wait: false } });
    expect(res.status).toBe(202);
    const fb = await call(idleApi.url, 'POST', `/v1/jobs/${res.body.id}/feedback`, {
      body: { correct: true },
    });
    expect(fb.status).toBe(409);
    expect(fb.body.code).toBe('job_not_completed');
  });

  it('answers 409 once the feedback window has passed, and keeps no text when told not to', async () => {
    const id = await classify(shortWindow.url, 'rainy');
    const inTime = await call(shortWindow.url, 'POST', `/v1/jobs/${id}/feedback`, {
      body: { correct: true },
    });
    expect(inTime.status).toBe(200);
    const kept = (await records()).find((r) => r.jobId === id)!;
    expect(kept.label).toBe('negative');
    expect(kept).not.toHaveProperty('text');
    await new Promise((r) => setTimeout(r, 1_600));
    const late = await call(shortWindow.url, 'POST', `/v1/jobs/${id}/feedback`, { body: { correct: true } });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('feedback_window_closed');
  });

  it('is offered by the client as feedback(id, label), with typed errors', async () => {
    const client = new SwitchboardClient({ baseUrl: api.url, apiKey: KEYS.alice });
    const id = await classify(api.url, 'rainy');
    expect(await client.feedback(id, { correct: true })).toMatchObject({ label: 'negative', correct: true });
    expect(await client.feedback(id, 'neutral')).toMatchObject({ label: 'neutral', replaced: true });
    await expect(client.feedback('http-nosuchjob', 'neutral')).rejects.toBeInstanceOf(NotFoundError);
    const idleClient = new SwitchboardClient({ baseUrl: idleApi.url, apiKey: KEYS.alice });
    const accepted = await call(idleApi.url, 'POST', '/v1/classify', {
      body: { inputs: 'sunny', wait: false },
    });
    const waiting = accepted.body.id as string;
    const error = await idleClient.feedback(waiting, 'neutral').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('job_not_completed');
  });

  it('answers 503 while Redis is unreachable, and the server stays up', async () => {
    const down = await startApi({ ...backend, redisUrl: 'redis://127.0.0.1:1' });
    try {
      const res = await call(down.url, 'POST', '/v1/jobs/http-any/feedback', { body: { label: 'neutral' } });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('queue_unavailable');
      expect((await call(down.url, 'GET', '/healthz', { key: null })).status).toBe(200);
    } finally {
      await down.close();
    }
  });
});
