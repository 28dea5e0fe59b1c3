import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InferenceClient } from '@huggingface/inference';
import { MAX_TEXTS_PER_REQUEST } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUE_LABELS, cueLabel } from '../helpers/cue-model.js';
import { FAST_MODEL } from '../helpers/test-models.js';
import { type Api, type Backend, call, KEYS, startApi, startBackend } from './http-stack.js';

// Shapes and statuses checked against Text Embeddings Inference 1.9 (router/src/http/server.rs and
// types.rs, router/src/lib.rs): `ErrorResponse {error, error_type}` with the error type's variant
// name, status from the type (Validation/Tokenizer 422, Empty 400, Overloaded 429, Backend 424,
// Unhealthy 503), `POST /` and `POST /invocations` routed to predict for a classifier, `GET /`,
// `/health` and `/ping` as health (empty 200), and `GET /info`'s `Info` fields.

/** The fields of TEI 1.9's `Info` (router/src/lib.rs). */
const TEI_INFO_FIELDS = [
  'model_id',
  'model_sha',
  'model_dtype',
  'served_model_name',
  'model_type',
  'max_concurrent_requests',
  'max_input_length',
  'max_batch_tokens',
  'max_batch_requests',
  'max_client_batch_size',
  'auto_truncate',
  'tokenization_workers',
  'version',
  'sha',
  'docker_label',
];

/** A model folder whose metadata reads fine but whose graph a worker cannot load. */
const BROKEN_MODEL = 'weather-broken';

let backend: Backend;
let api: Api;
let brokenApi: Api;

beforeAll(async () => {
  backend = await startBackend();
  const broken = join(backend.models.dir, BROKEN_MODEL);
  await mkdir(broken);
  await copyFile(join(backend.models.dir, FAST_MODEL, 'config.json'), join(broken, 'config.json'));
  await copyFile(join(backend.models.dir, FAST_MODEL, 'switchboard.json'), join(broken, 'switchboard.json'));
  await writeFile(join(broken, 'model.onnx'), 'this is not an ONNX graph');
  api = await startApi(backend);
  brokenApi = await startApi(backend, { predictModel: BROKEN_MODEL });
});

afterAll(async () => {
  await brokenApi?.close();
  await api?.close();
  await backend?.close();
});

describe("TEI's error bodies and statuses on /predict", () => {
  it("answers a batch over the maximum with 422 Validation and TEI's message", async () => {
    const res = await call(api.url, 'POST', '/predict', {
      body: { inputs: Array.from({ length: MAX_TEXTS_PER_REQUEST + 1 }, () => ['sunny']) },
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      error: `batch size ${MAX_TEXTS_PER_REQUEST + 1} > maximum allowed batch size ${MAX_TEXTS_PER_REQUEST}`,
      error_type: 'Validation',
    });
  });

  it('answers an empty input with 400 Empty', async () => {
    const res = await call(api.url, 'POST', '/predict', { body: { inputs: '' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'Input validation error: `inputs` cannot be empty',
      error_type: 'Empty',
    });
    const inBatch = await call(api.url, 'POST', '/predict', { body: { inputs: [['sunny'], ['']] } });
    expect(inBatch.status).toBe(400);
    expect(inBatch.body.error_type).toBe('Empty');
  });

  it('answers pairs, wrong fields and too-long texts with truncate false with 422 Validation', async () => {
    const long = 'the weather '.repeat(600).trim();
    for (const body of [
      { inputs: ['sunny', 'rainy'] },
      { inputs: 'sunny', raw_scores: 'yes' },
      { inputs: [['sunny'], [long]], truncate: false },
      { inputs: 'sunny', truncation_direction: 'sideways' },
    ]) {
      const res = await call(api.url, 'POST', '/predict', { body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(res.body.error_type).toBe('Validation');
    }
  });

  it('honours truncation_direction "right" and refuses "left" instead of ignoring it', async () => {
    for (const direction of ['right', 'Right']) {
      const res = await call(api.url, 'POST', '/predict', {
        body: { inputs: 'sunny', truncation_direction: direction },
      });
      expect(res.status).toBe(200);
      expect(res.body[0].label).toBe('positive');
    }
    for (const direction of ['left', 'Left']) {
      const res = await call(api.url, 'POST', '/predict', {
        body: { inputs: 'sunny', truncation_direction: direction },
      });
      expect(res.status).toBe(422);
      expect(res.body.error_type).toBe('Validation');
      expect(res.body.error).toContain('truncation_direction "left" is not supported');
    }
  });

  it('answers a model that fails in the worker with 424 Backend', async () => {
    const res = await call(brokenApi.url, 'POST', '/predict', { body: { inputs: 'sunny' } });
    expect(res.status).toBe(424);
    expect(res.body.error_type).toBe('Backend');
    expect(res.body.error).toContain('model.onnx');
  });

  it('answers a wrong key with 401 and still says error_type', async () => {
    const res = await call(api.url, 'POST', '/predict', {
      body: { inputs: 'sunny' },
      key: 'wrong-key-0123456789abcdef',
    });
    expect(res.status).toBe(401);
    expect(res.body.error_type).toBe('Validation');
  });
});

describe("TEI's default routes for a classifier", () => {
  it('POST / and POST /invocations answer as /predict does, with a key', async () => {
    const body = { inputs: [['quite rainy'], ['sunny today']] };
    const predict = await call(api.url, 'POST', '/predict', { body });
    expect(predict.status).toBe(200);
    for (const path of ['/', '/invocations']) {
      const res = await call(api.url, 'POST', path, { body });
      expect(res.status, path).toBe(200);
      expect(res.body).toEqual(predict.body);
      const noKey = await call(api.url, 'POST', path, { body, key: null });
      expect(noKey.status, path).toBe(401);
      const empty = await call(api.url, 'POST', path, { body: { inputs: '' } });
      expect(empty.body.error_type, path).toBe('Empty');
    }
  });

  it('GET /health, / and /ping answer 200 with an empty body and need no key', async () => {
    for (const path of ['/health', '/', '/ping']) {
      const res = await fetch(`${api.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toBe('');
    }
  });

  it('GET /health is 503 Unhealthy when the predict model is missing', async () => {
    const misconfigured = await startApi(backend, { predictModel: 'absent' });
    try {
      const res = await call(misconfigured.url, 'GET', '/health', { key: null });
      expect(res.status).toBe(503);
      expect(res.body.error_type).toBe('Unhealthy');
      expect(res.body.error).toContain('HTTP_PREDICT_MODEL');
    } finally {
      await misconfigured.close();
    }
  });

  it("GET /info answers TEI's Info for the predict model, with a key", async () => {
    const res = await call(api.url, 'GET', '/info');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual([...TEI_INFO_FIELDS].sort());
    expect(res.body).toMatchObject({
      model_id: FAST_MODEL,
      served_model_name: FAST_MODEL,
      max_client_batch_size: MAX_TEXTS_PER_REQUEST,
      auto_truncate: true,
    });
    const { id2label, label2id } = res.body.model_type.classifier;
    expect(Object.values(id2label).sort()).toEqual([...CUE_LABELS].sort());
    for (const [id, label] of Object.entries(id2label as Record<string, string>)) {
      expect(label2id[label]).toBe(Number(id));
    }
    expect(res.body.max_input_length).toBeGreaterThan(0);
    expect((await call(api.url, 'GET', '/info', { key: null })).status).toBe(401);
  });
});

describe('POST /models/{model} (Hugging Face Inference API)', () => {
  it('works with the real @huggingface/inference client and an API key', async () => {
    const client = new InferenceClient(KEYS.alice).endpoint(`${api.url}/models/${FAST_MODEL}`);
    const output = await client.textClassification({ inputs: 'the morning was sunny' });
    expect(output[0]!.label).toBe('positive');
    expect(output.map((o) => o.label).sort()).toEqual([...CUE_LABELS].sort());
    expect(output[0]!.score).toBeGreaterThan(output[1]!.score);
    const stranger = new InferenceClient('wrong-key-0123456789abcdef').endpoint(
      `${api.url}/models/${FAST_MODEL}`,
    );
    await expect(stranger.textClassification({ inputs: 'sunny' })).rejects.toThrow();
  });

  it('answers [[...]] for one text, one list per text for several, and honours top_k', async () => {
    const one = await call(api.url, 'POST', `/models/${FAST_MODEL}`, { body: { inputs: 'sunny' } });
    expect(one.status).toBe(200);
    expect(one.body).toHaveLength(1);
    expect(one.body[0]).toHaveLength(CUE_LABELS.length);
    expect(Object.keys(one.body[0][0]).sort()).toEqual(['label', 'score']);
    const texts = ['quite rainy', 'the morning was sunny', 'the town'];
    const several = await call(api.url, 'POST', `/models/${FAST_MODEL}`, {
      body: { inputs: texts, parameters: { top_k: 1 }, options: { wait_for_model: true } },
    });
    expect(several.status).toBe(200);
    expect(several.body.map((labels: { label: string }[]) => labels.map((l) => l.label))).toEqual(
      texts.map((t) => [cueLabel(t)]),
    );
  });

  it('refuses what it cannot honour and names unknown models', async () => {
    const unsupported = await call(api.url, 'POST', `/models/${FAST_MODEL}`, {
      body: { inputs: 'sunny', parameters: { function_to_apply: 'none' } },
    });
    expect(unsupported.status).toBe(422);
    expect(unsupported.body.error).toContain('function_to_apply');
    const unknown = await call(api.url, 'POST', '/models/nope', { body: { inputs: 'sunny' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toContain(FAST_MODEL);
    const noKey = await call(api.url, 'POST', `/models/${FAST_MODEL}`, {
      body: { inputs: 'sunny' },
      key: null,
    });
    expect(noKey.status).toBe(401);
  });
});
