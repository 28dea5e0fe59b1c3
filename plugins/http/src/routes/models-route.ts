import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ModelManifest } from '@switchboard/core';
import { ModelsResponseSchema } from '../api-schemas.js';
import type { AppEnv } from '../app-env.js';
import type { ModelDirectory } from '../model-directory.js';
import { COMMON_ERRORS } from './error-responses.js';

const modelsRoute = createRoute({
  method: 'get',
  path: '/v1/models',
  summary: 'List models',
  description:
    'The models of the repository with their labels and every version (a bare name runs the default one; `name@version` any other), and the folders that cannot be loaded with the reason. Models added, replaced or removed show within seconds, without a restart.',
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
    const entries = await models.catalog.entries();
    const ok = entries.flatMap((e) => {
      const chosen = e.versions.find((m) => m.version === e.defaultVersion);
      if (!chosen) return [];
      return [
        {
          ...describe(chosen),
          name: e.name,
          versions: e.versions.map((m) => ({ ...describe(m), default: m === chosen })),
        },
      ];
    });
    const broken = entries.flatMap((e) => e.broken);
    return c.json(
      {
        models: ok,
        unavailable: broken.map((b) => ({ name: b.name, file: b.error.file, error: b.error.message })),
        default: defaultModel,
      },
      200,
    );
  });
}

function describe(m: ModelManifest) {
  return {
    labels: [...m.labels],
    version: m.version,
    description: m.description,
    multiLabel: m.multiLabel,
    maxInputTokens: m.maxInputTokens,
    encoder: m.encoderKind,
    sizeBytes: m.sizeBytes,
  };
}
