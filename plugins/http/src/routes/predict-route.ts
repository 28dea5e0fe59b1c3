import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { UnknownModelError } from '@switchboard/core';
import { PredictBodySchema, PredictErrorSchema, PredictResponseSchema } from '../api-schemas.js';
import type { AppEnv } from '../app-env.js';
import type { ClassifyGateway } from '../classify-gateway.js';
import { PREDICT_PATH } from '../error-response.js';
import { HttpError } from '../http-error.js';
import type { ModelDirectory } from '../model-directory.js';
import { parsePredictInputs, toPredictions } from '../tei-predict.js';

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: PredictErrorSchema } },
});

const predictRoute = createRoute({
  method: 'post',
  path: PREDICT_PATH,
  summary: 'Predict (Text Embeddings Inference compatible)',
  description: [
    "The sequence-classification route of Hugging Face Text Embeddings Inference (TEI), with TEI's request and answer shapes, so TEI clients work unchanged. Like TEI it serves one model: the server's `HTTP_PREDICT_MODEL` (default `sentiment`).",
    '',
    "Differences from TEI: sentence pairs are refused with 422 (Switchboard models classify single texts); `raw_scores: true` gives log-probabilities (single-label models) or logits recovered from the probabilities (multi-label models) instead of the network's raw logits (see the field); an omitted `truncate` cuts long texts (TEI: `--auto-truncate`); errors carry `code` beside TEI's `error` and `error_type`; a result not ready within the wait timeout is a 504.",
  ].join('\n'),
  security: [{ bearer: [] }],
  request: { body: { required: true, content: { 'application/json': { schema: PredictBodySchema } } } },
  responses: {
    200: {
      description:
        'Every label with its score, highest first: a list for one input, a list of lists for a batch.',
      content: { 'application/json': { schema: PredictResponseSchema } },
    },
    400: error('Malformed JSON, wrong Content-Type or a body that is not UTF-8.'),
    401: error('Missing or wrong API key.'),
    413: error('Batch larger than 64, a text over 10,000 characters, or a body over the size limit.'),
    422: error(
      'Invalid inputs: empty text, sentence pair, or (with `truncate: false`) a text longer than the model reads.',
    ),
    429: error('Rate limit reached or queue overloaded. See `Retry-After`.'),
    503: error('Redis unreachable, or `HTTP_PREDICT_MODEL` names a model the repository lacks.'),
    504: error('The result was not ready within the wait timeout.'),
  },
});

/** Registers the TEI-compatible `POST /predict`. */
export function registerPredictRoute(
  app: OpenAPIHono<AppEnv>,
  gateway: ClassifyGateway,
  models: ModelDirectory,
  predictModel: string,
): void {
  app.openapi(predictRoute, async (c) => {
    const body = c.req.valid('json');
    const { texts, batch } = parsePredictInputs(body.inputs);
    let outcome: Awaited<ReturnType<ClassifyGateway['submit']>>;
    try {
      outcome = await gateway.submit({ texts, model: predictModel, caller: c.get('caller'), wait: true });
    } catch (err) {
      // The client named no model: an unknown one is the operator's configuration, not a 404.
      if (err instanceof UnknownModelError) {
        throw new HttpError(
          503,
          'unknown_model',
          `This server's HTTP_PREDICT_MODEL is "${predictModel}", which is not in its model repository (available: ${err.available.join(', ') || 'none'}). The operator must fix HTTP_PREDICT_MODEL.`,
        );
      }
      throw err;
    }
    if (outcome.kind === 'accepted') {
      throw new HttpError(
        504,
        'timeout',
        `No result within the server's wait timeout; the job goes on as ${outcome.id} (GET /v1/jobs/${outcome.id}).`,
      );
    }
    const { results } = outcome.result;
    if (body.truncate === false) {
      const cut = results.findIndex((r) => r.truncated);
      if (cut >= 0) {
        const field = batch ? `inputs[${cut}]` : 'inputs';
        throw new HttpError(
          422,
          'invalid_input',
          `${field} is longer than model ${predictModel} reads; send "truncate": true to classify its start.`,
        );
      }
    }
    const multiLabel = body.raw_scores ? (await models.manifest(predictModel)).multiLabel : false;
    const predictions = results.map((r) => toPredictions(r, body.raw_scores === true, multiLabel));
    return c.json(batch ? predictions : predictions[0]!, 200);
  });
}
