import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { ErrorSchema, FeedbackBodySchema, FeedbackReceiptSchema, JobParamsSchema } from '../api-schemas.js';
import type { AppEnv } from '../app-env.js';
import type { FeedbackDesk } from '../feedback-desk.js';
import { BODY_ERRORS, COMMON_ERRORS } from './error-responses.js';

const feedbackRoute = createRoute({
  method: 'post',
  path: '/v1/jobs/{id}/feedback',
  summary: 'Say whether an answer was right',
  description:
    'Records which label is right for a completed job\'s text: `{"label": "<right label>"}`, or `{"correct": true}` for the predicted one. One feedback per key and answer: sending again replaces the earlier one. Only the key that created the job may rate it; for any other key the job does not exist (404). Feedback is accepted until the feedback window (`HTTP_FEEDBACK_WINDOW_MS`, 7 days by default) after the job finished, and while the job is still kept (finished jobs are kept for an hour by default).',
  security: [{ bearer: [] }],
  request: {
    params: JobParamsSchema,
    body: { required: true, content: { 'application/json': { schema: FeedbackBodySchema } } },
  },
  responses: {
    200: {
      description: 'Recorded.',
      content: { 'application/json': { schema: FeedbackReceiptSchema } },
    },
    404: {
      description: 'No such job for this API key (unknown, no longer kept, or created by another key).',
      content: { 'application/json': { schema: ErrorSchema } },
    },
    409: {
      description:
        'The job is not completed (`job_not_completed`), or its feedback window has passed (`feedback_window_closed`).',
      content: { 'application/json': { schema: ErrorSchema } },
    },
    ...BODY_ERRORS,
    422: {
      description:
        'A label the model lacks (`unknown_label`, the message lists its labels), a text index out of range, or a body with neither `label` nor `correct`.',
      content: { 'application/json': { schema: ErrorSchema } },
    },
    ...COMMON_ERRORS,
  },
});

/** Registers `POST /v1/jobs/{id}/feedback`. */
export function registerFeedbackRoute(app: OpenAPIHono<AppEnv>, desk: FeedbackDesk): void {
  app.openapi(feedbackRoute, async (c) => {
    const receipt = await desk.give(c.req.valid('param').id, c.get('caller'), c.req.valid('json'));
    return c.json(receipt, 200);
  });
}
