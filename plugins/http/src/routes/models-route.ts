import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { ModelsResponseSchema } from '../api-schemas.js';
import type { AppEnv } from '../app-env.js';
import type { ModelDirectory } from '../model-directory.js';
import { COMMON_ERRORS } from './error-responses.js';

const modelsRoute = createRoute({
  method: 'get',
  path: '/v1/models',
  summary: 'List models',
  description:
    'The models of the repository with their labels and versions, and the folders that cannot be loaded with the reason.',
  security: [{ bearer: [] }],
  responses: {
    200: { description: 'The models.', content: { 'application/json': { schema: ModelsResponseSchema } } },
    ...COMMON_ERRORS,
  },
});

/** Registers `GET /v1/models`. */
export function registerModelsRoute(
  app: OpenAPIHono<AppEnv>,
  models: ModelDirectory,
  defaultModel: string,
): void {
  app.openapi(modelsRoute, async (c) => {
    const { models: ok, broken } = await models.catalog.list();
    return c.json(
      {
        models: ok.map((m) => ({
          name: m.name,
          labels: [...m.labels],
          version: m.version,
          description: m.description,
          multiLabel: m.multiLabel,
          maxInputTokens: m.maxInputTokens,
          encoder: m.encoderKind,
          sizeBytes: m.sizeBytes,
        })),
        unavailable: broken.map((b) => ({ name: b.name, file: b.error.file, error: b.error.message })),
        default: defaultModel,
      },
      200,
    );
  });
}
