import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
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

/** The paths that answer as `/predict`: TEI serves a classifier's predictions on all three. */
export const PREDICT_PATHS = [PREDICT_PATH, '/', '/invocations'] as const;

const SUMMARIES: Record<(typeof PREDICT_PATHS)[number], string> = {
  '/predict': 'Predict (Text Embeddings Inference compatible)',
  '/': "Predict at the server root (TEI's default route for a classifier)",
  '/invocations': "Predict (TEI's SageMaker-style route)",
};

function predictRoute(path: (typeof PREDICT_PATHS)[number]) {
  return createRoute({
    method: 'post',
    path,
    summary: SUMMARIES[path],
    description: [
      path === PREDICT_PATH
        ? "The sequence-classification route of Hugging Face Text Embeddings Inference (TEI), with TEI's request and answer shapes, so TEI clients work unchanged. Like TEI it serves one model: the server's `HTTP_PREDICT_MODEL` (default `sentiment`)."
        : `The same as \`POST /predict\`: TEI serves a classifier's predictions on \`POST /\` and \`POST /invocations\` too.`,
      '',
      'Errors are TEI 1.9\'s: `error_type` `Validation` (422: a pair, a batch over 64, a text too long with `truncate: false`, `truncation_direction: "left"`), `Empty` (400: an empty text), `Overloaded` (429), `Backend` (424: the model failed to load or run in a worker), `Unhealthy` (503: Redis unreachable or `HTTP_PREDICT_MODEL` missing).',
      '',
      "Differences from TEI: sentence pairs are refused with 422 (Switchboard models classify single texts); `truncation_direction: \"left\"` is refused (the models keep a text's start); `raw_scores: true` gives log-probabilities (single-label models) or logits recovered from the probabilities (multi-label models) instead of the network's raw logits (see the field); an omitted `truncate` cuts long texts (TEI: `--auto-truncate`); errors carry `code` beside TEI's `error` and `error_type`; a result not ready within the wait timeout is a 504.",
    ].join('\n'),
    security: [{ bearer: [] }],
    request: { body: { required: true, content: { 'application/json': { schema: PredictBodySchema } } } },
    responses: {
      200: {
        description:
          'Every label with its score, highest first: a list for one input, a list of lists for a batch.',
        content: { 'application/json': { schema: PredictResponseSchema } },
      },
      400: error('Empty text (`Empty`); malformed JSON, wrong Content-Type or a body that is not UTF-8.'),
      401: error('Missing or wrong API key.'),
      413: error('A body over the size limit.'),
      422: error(
        'Invalid inputs (`Validation`): sentence pair, batch larger than 64, a text over 10,000 characters, `truncation_direction: "left"`, or (with `truncate: false`) a text longer than the model reads.',
      ),
      424: error('The model failed to load or to run in a worker (`Backend`).'),
      429: error('Rate limit reached or queue overloaded (`Overloaded`). See `Retry-After`.'),
      503: error(
        'Redis unreachable, or `HTTP_PREDICT_MODEL` names a model the repository lacks (`Unhealthy`).',
      ),
      504: error('The result was not ready within the wait timeout.'),
    },
  });
}

/** Registers the TEI-compatible `POST /predict`, `POST /` and `POST /invocations`. */
export function registerPredictRoute(
  app: OpenAPIHono<AppEnv>,
  gateway: ClassifyGateway,
  models: ModelDirectory,
  predictModel: string,
): void {
  for (const path of PREDICT_PATHS) {
    app.openapi(predictRoute(path), async (c) =>
      c.json(await predict(c.req.valid('json'), c.get('caller')), 200),
    );
  }

  async function predict(
    body: z.infer<typeof PredictBodySchema>,
    caller: string,
  ): Promise<z.infer<typeof PredictResponseSchema>> {
    if (body.truncation_direction === 'left' || body.truncation_direction === 'Left') {
      throw new HttpError(
        422,
        'invalid_input',
        'Input validation error: truncation_direction "left" is not supported: Switchboard models keep the start of a long text. Send "right" or leave it out.',
      );
    }
    const { texts, batch } = parsePredictInputs(body.inputs);
    let outcome: Awaited<ReturnType<ClassifyGateway['submit']>>;
    try {
      outcome = await gateway.submit({ texts, model: predictModel, caller, wait: true });
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
          `Input validation error: \`${field}\` is longer than model ${predictModel} reads; send "truncate": true to classify its start.`,
        );
      }
    }
    const multiLabel = body.raw_scores ? (await models.manifest(predictModel)).multiLabel : false;
    const predictions = results.map((r) => toPredictions(r, body.raw_scores === true, multiLabel));
    return batch ? predictions : predictions[0]!;
  }
}
