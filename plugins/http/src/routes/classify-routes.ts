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
import { HttpError } from '../http-error.js';
import { jobBody } from '../job-body.js';
import type { CallbackGuard } from '../webhook/callback-guard.js';
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
      description:
        'Accepted; poll `Location` (`GET /v1/jobs/{id}`) for the result, or (with `callback_url`) wait for the callback.',
      headers: z.object({ Location: z.string().openapi({ example: '/v1/jobs/http-0f3c9a2b4d5e6f70' }) }),
      content: { 'application/json': { schema: JobAcceptedSchema } },
    },
    ...BODY_ERRORS,
    ...COMMON_ERRORS,
    ...NOT_FOUND,
  },
  callbacks: {
    jobFinished: {
      '{$request.body#/callback_url}': {
        post: {
          summary: 'The finished job, POSTed to callback_url',
          description:
            'Sent once the job has completed or finally failed, signed per Standard Webhooks: `webhook-signature` is `v1,` + base64 HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`, keyed with the base64-decoded part of the `whsec_...` secret. Verify it (e.g. `verifyWebhook` of `@switchboard/client`) and refuse timestamps more than 5 minutes off. Answer 2xx to acknowledge. 5xx, timeouts and connection errors are retried with exponential backoff (for up to a day by default), 408 and 429 after their `Retry-After`; 410 stops deliveries; other 4xx answers and redirects are not retried. `webhook-id` is the job id, the same on every retry.',
          parameters: [
            { name: 'webhook-id', in: 'header', required: true, schema: { type: 'string' } },
            {
              name: 'webhook-timestamp',
              in: 'header',
              required: true,
              schema: { type: 'string' },
              description: 'Seconds since the epoch when this attempt was signed.',
            },
            {
              name: 'webhook-signature',
              in: 'header',
              required: true,
              schema: { type: 'string', example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=' },
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Job' } } },
          },
          responses: {
            '2XX': { description: 'Delivered.' },
            '410': { description: 'Gone: no further deliveries are attempted.' },
          },
        },
      },
    },
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
  callbacks?: CallbackGuard,
): void {
  app.openapi(classifyRoute, async (c) => {
    const body = c.req.valid('json');
    const callbackUrl = body.callback_url;
    if (callbackUrl !== undefined) {
      if (!callbacks) {
        throw new HttpError(
          422,
          'callback_not_allowed',
          'This server does not send callbacks (no HTTP_WEBHOOK_SECRET is set). Omit callback_url and poll the job instead.',
        );
      }
      await callbacks.admit(callbackUrl, c.get('caller'));
    }
    const outcome = await gateway.submit({
      callbackUrl,
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
    return c.json(jobBody(view), 200);
  });
}
