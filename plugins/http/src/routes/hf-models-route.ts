import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  ErrorSchema,
  HfClassificationBodySchema,
  HfClassificationResponseSchema,
  ModelNameSchema,
} from '../api-schemas.js';
import type { AppEnv } from '../app-env.js';
import type { ClassifyGateway } from '../classify-gateway.js';
import { HttpError } from '../http-error.js';
import { BODY_ERRORS, COMMON_ERRORS, NOT_FOUND } from './error-responses.js';

/** Path of the Hugging Face Inference API–compatible route. */
export const HF_MODELS_PATH = '/models/{model}';

const hfRoute = createRoute({
  method: 'post',
  path: HF_MODELS_PATH,
  summary: 'Classify (Hugging Face Inference API compatible)',
  description:
    'The text-classification task of the Hugging Face Inference API (`POST /models/{model}`), so Hugging Face clients work unchanged: `new InferenceClient(key).endpoint(server + "/models/sentiment").textClassification({ inputs })` in JavaScript, `InferenceClient(base_url=f"{server}/models/sentiment", api_key=key).text_classification(text)` in Python. The answer is one list of `{label, score}` per text, highest score first: `[[...]]` for one text, `[[...], [...]]` for several. Errors are the API\'s usual `{error, code}`.',
  security: [{ bearer: [] }],
  request: {
    params: z.object({ model: ModelNameSchema.openapi({ param: { name: 'model', in: 'path' } }) }),
    body: { required: true, content: { 'application/json': { schema: HfClassificationBodySchema } } },
  },
  responses: {
    200: {
      description: 'One list of labels per text, in input order.',
      content: { 'application/json': { schema: HfClassificationResponseSchema } },
    },
    ...BODY_ERRORS,
    ...COMMON_ERRORS,
    ...NOT_FOUND,
    504: {
      description: 'The result was not ready within the wait timeout.',
      content: { 'application/json': { schema: ErrorSchema } },
    },
  },
});

/** Registers `POST /models/{model}`. */
export function registerHfModelsRoute(app: OpenAPIHono<AppEnv>, gateway: ClassifyGateway): void {
  app.openapi(hfRoute, async (c) => {
    const { model } = c.req.valid('param');
    const body = c.req.valid('json');
    const outcome = await gateway.submit({
      texts: typeof body.inputs === 'string' ? [body.inputs] : body.inputs,
      model,
      caller: c.get('caller'),
      wait: true,
    });
    if (outcome.kind === 'accepted') {
      throw new HttpError(
        504,
        'timeout',
        `No result within the server's wait timeout; the job goes on as ${outcome.id} (GET /v1/jobs/${outcome.id}).`,
      );
    }
    const topK = body.parameters?.top_k;
    return c.json(
      outcome.result.results.map((r) =>
        r.labels.slice(0, topK).map(({ label, score }) => ({ label, score })),
      ),
      200,
    );
  });
}
