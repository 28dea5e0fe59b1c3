import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { MAX_TEXTS_PER_REQUEST, UnknownModelError } from '@switchboard/core';
import { PredictErrorSchema, TeiInfoSchema } from '../api-schemas.js';
import type { AppEnv } from '../app-env.js';
import { HttpError } from '../http-error.js';
import type { ModelDirectory } from '../model-directory.js';
import { API_INFO } from './docs-routes.js';
import type { ReadinessCheck } from './ops-routes.js';

/** What TEI's `/info` and health routes report, beside the model. */
export interface TeiRouteOptions {
  /** `HTTP_PREDICT_MODEL`: the one model TEI's routes serve. */
  readonly predictModel: string;
  /** `HTTP_MAX_QUEUE_DEPTH`: queued jobs at which requests get 429, TEI's `max_concurrent_requests`. */
  readonly maxQueueDepth: number;
}

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: PredictErrorSchema } },
});

/** TEI's health routes: `/health`, and `/` and `/ping` (Inference API and SageMaker style). */
export const TEI_HEALTH_PATHS = ['/health', '/', '/ping'] as const;

const healthRoute = (path: (typeof TEI_HEALTH_PATHS)[number]) =>
  createRoute({
    method: 'get',
    path,
    summary:
      path === '/health'
        ? 'Health (TEI)'
        : `Health (TEI's ${path === '/' ? 'Inference API' : 'SageMaker'} route)`,
    description:
      'As Text Embeddings Inference answers it: 200 with an empty body when `/predict` can serve (Redis answers and `HTTP_PREDICT_MODEL` is in the repository), else 503 with `error_type` `Unhealthy`. No key needed.',
    tags: ['operations'],
    responses: {
      200: { description: 'Healthy (empty body).' },
      503: error('Redis unreachable, or `HTTP_PREDICT_MODEL` names no model of the repository.'),
    },
  });

const infoRoute = createRoute({
  method: 'get',
  path: '/info',
  summary: 'Served model info (TEI)',
  description:
    "TEI's `/info` for a classifier: the `/predict` model, its labels (`model_type.classifier`) and the limits `/predict` applies. `max_concurrent_requests` is `HTTP_MAX_QUEUE_DEPTH` (jobs queued before 429), `max_input_length` the model's token limit, `max_client_batch_size` the most texts of one request; `tokenization_workers` is 0 because texts are tokenized in the worker processes; `version` is the API's.",
  security: [{ bearer: [] }],
  responses: {
    200: { description: 'The served model.', content: { 'application/json': { schema: TeiInfoSchema } } },
    401: error('Missing or wrong API key.'),
    503: error('`HTTP_PREDICT_MODEL` names no model of the repository (`Unhealthy`).'),
  },
});

function misconfigured(predictModel: string, err: UnknownModelError): HttpError {
  return new HttpError(
    503,
    'unknown_model',
    `This server's HTTP_PREDICT_MODEL is "${predictModel}", which is not in its model repository (available: ${err.available.join(', ') || 'none'}). The operator must fix HTTP_PREDICT_MODEL.`,
  );
}

/** Registers TEI's `GET /info`, `GET /health`, `GET /` and `GET /ping`. */
export function registerTeiRoutes(
  app: OpenAPIHono<AppEnv>,
  models: ModelDirectory,
  ready: ReadinessCheck,
  options: TeiRouteOptions,
): void {
  const { predictModel } = options;
  for (const path of TEI_HEALTH_PATHS) {
    app.openapi(healthRoute(path), async (c) => {
      await ready();
      await models.require(predictModel).catch((err: unknown) => {
        throw err instanceof UnknownModelError ? misconfigured(predictModel, err) : err;
      });
      return c.body(null, 200);
    });
  }

  app.openapi(infoRoute, async (c) => {
    const manifest = await models.manifest(predictModel).catch((err: unknown) => {
      throw err instanceof UnknownModelError ? misconfigured(predictModel, err) : err;
    });
    return c.json(
      {
        model_id: predictModel,
        model_sha: null,
        model_dtype: 'float32',
        served_model_name: predictModel,
        model_type: {
          classifier: {
            id2label: Object.fromEntries(manifest.labels.map((label, i) => [String(i), label])),
            label2id: Object.fromEntries(manifest.labels.map((label, i) => [label, i])),
          },
        },
        max_concurrent_requests: options.maxQueueDepth,
        max_input_length: manifest.maxInputTokens,
        max_batch_tokens: manifest.maxInputTokens * MAX_TEXTS_PER_REQUEST,
        max_batch_requests: null,
        max_client_batch_size: MAX_TEXTS_PER_REQUEST,
        auto_truncate: true,
        tokenization_workers: 0,
        version: API_INFO.version,
        sha: null,
        docker_label: null,
      },
      200,
    );
  });
}
