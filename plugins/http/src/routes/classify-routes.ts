import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  ClassifyBodySchema,
  ClassifyResponseSchema,
  JobAcceptedSchema,
  JobParamsSchema,
  JobSchema,
} from '../api-schemas.js';
import type { AppEnv } from '../app-env.js';
import { type ClassifyGateway, resultBody } from '../classify-gateway.js';
import { BODY_ERRORS, COMMON_ERRORS, NOT_FOUND } from './error-responses.js';

const IdempotencyHeaders = z.object({
  'Idempotency-Key': z.string().optional().openapi({
    description:
      'Up to 255 printable ASCII characters. Repeating a request with the same key (and the same API key) returns the same job instead of classifying again.',
  }),
});

const classifyRoute = createRoute({
  method: 'post',
  path: '/v1/classify',
  summary: 'Classify texts',
  description:
    "Enqueues the texts for a worker and, unless `wait` is false, waits for the result (up to the server's wait timeout, 10 s by default). A job not finished by then is answered with 202 and a `Location` to poll.",
  security: [{ bearer: [] }],
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: ClassifyBodySchema } } },
  },
  responses: {
    200: {
      description: 'The results, one per text, in input order.',
      content: { 'application/json': { schema: ClassifyResponseSchema } },
    },
    202: {
      description: 'Accepted; poll `Location` (`GET /v1/jobs/{id}`) for the result.',
      headers: z.object({ Location: z.string().openapi({ example: '/v1/jobs/http-0f3c9a2b4d5e6f70' }) }),
      content: { 'application/json': { schema: JobAcceptedSchema } },
    },
    ...BODY_ERRORS,
    ...COMMON_ERRORS,
    ...NOT_FOUND,
  },
});

const jobRoute = createRoute({
  method: 'get',
  path: '/v1/jobs/{id}',
  summary: 'Look a job up',
  description: 'State of a job created by this API key, with its result or error once finished.',
  security: [{ bearer: [] }],
  request: { params: JobParamsSchema },
  responses: {
    200: { description: 'The job.', content: { 'application/json': { schema: JobSchema } } },
    ...COMMON_ERRORS,
    ...NOT_FOUND,
  },
});

/** Registers `POST /v1/classify` and `GET /v1/jobs/{id}`. */
export function registerClassifyRoutes(
  app: OpenAPIHono<AppEnv>,
  gateway: ClassifyGateway,
  defaultModel: string,
): void {
  app.openapi(classifyRoute, async (c) => {
    const body = c.req.valid('json');
    const outcome = await gateway.submit({
      texts: typeof body.inputs === 'string' ? [body.inputs] : body.inputs,
      model: body.model ?? defaultModel,
      caller: c.get('caller'),
      idempotencyKey: c.req.valid('header')['Idempotency-Key'],
      wait: body.wait ?? true,
    });
    if (outcome.kind === 'done') return c.json(resultBody(outcome.result), 200);
    const location = `/v1/jobs/${outcome.id}`;
    return c.json({ id: outcome.id, state: outcome.state, location }, 202, { Location: location });
  });

  app.openapi(jobRoute, async (c) => {
    const view = await gateway.job(c.req.valid('param').id, c.get('caller'));
    return c.json(
      {
        id: view.id,
        state: view.state,
        model: view.request.model,
        texts: view.request.texts.length,
        createdAt: view.request.createdAt,
        ...(view.result ? { result: resultBody(view.result) } : {}),
        ...(view.error ? { error: view.error } : {}),
      },
      200,
    );
  });
}
