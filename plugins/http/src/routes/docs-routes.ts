import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { HttpError } from '../http-error.js';

/** Title and version written into the OpenAPI document. */
export const API_INFO = {
  title: 'Switchboard HTTP API',
  version: '1.0.0',
  description:
    'Text classification over a queue of onnxruntime workers. Authenticate with `Authorization: Bearer <key>` (keys come from the server\'s HTTP_API_KEYS). Errors are JSON `{"error": "...", "code": "..."}` with a status a client can act on; 429 and 503 carry `Retry-After`.',
} as const;

// Served from the swagger-ui-dist package on disk: the page works without internet.
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const INIT_JS = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${API_INFO.title}</title>
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const assetDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const cache = new Map<string, Promise<Buffer>>();

function asset(name: string): Promise<Buffer> {
  let data = cache.get(name);
  if (!data) {
    data = readFile(join(assetDir, name));
    cache.set(name, data);
  }
  return data;
}

const openapiRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  summary: 'This document',
  description: 'The OpenAPI 3.1 description of the API, generated from the schemas the routes validate with.',
  tags: ['documentation'],
  responses: {
    200: {
      description: 'OpenAPI 3.1 document.',
      content: { 'application/json': { schema: z.object({}).passthrough() } },
    },
  },
});

const docsRoute = createRoute({
  method: 'get',
  path: '/docs',
  summary: 'API reference page',
  description: 'Swagger UI over `/openapi.json`, served from local files (works offline).',
  tags: ['documentation'],
  responses: { 200: { description: 'HTML page.', content: { 'text/html': { schema: z.string() } } } },
});

const docsAssetRoute = createRoute({
  method: 'get',
  path: '/docs/{file}',
  summary: 'Files of the reference page',
  tags: ['documentation'],
  request: { params: z.object({ file: z.string().openapi({ param: { name: 'file', in: 'path' } }) }) },
  responses: {
    200: { description: 'A stylesheet, script or icon.' },
    404: { description: 'No such file.' },
  },
});

/** Registers `/openapi.json`, `/docs` and the page's files. */
export function registerDocsRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: "An API key from the server's HTTP_API_KEYS.",
  });
  app.openapi(openapiRoute, (c) =>
    c.json(app.getOpenAPI31Document({ openapi: '3.1.0', info: API_INFO }), 200),
  );
  app.openapi(docsRoute, (c) => c.html(PAGE, 200));
  app.openapi(docsAssetRoute, async (c) => {
    const { file } = c.req.valid('param');
    if (file === 'init.js') return c.body(INIT_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
    const type = ASSETS[file];
    if (!type) throw new HttpError(404, 'not_found', `No file ${file} in the docs page.`);
    const data = await asset(file);
    return c.body(new Uint8Array(data), 200, {
      'Content-Type': type,
      'Cache-Control': 'public, max-age=86400',
    });
  });
}
