import { OpenAPIHono } from '@hono/zod-openapi';
import type { RedisClient } from '@switchboard/core';
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { ApiKeyring } from './api-keyring.js';
import type { AppEnv } from './app-env.js';
import { bearerAuth } from './auth.js';
import { bodyLimit } from './body-limit.js';
import type { ClassifyGateway } from './classify-gateway.js';
import { errorResponse, PREDICT_PATH } from './error-response.js';
import type { FeedbackDesk } from './feedback-desk.js';
import { HttpError, toHttpError } from './http-error.js';
import type { HttpMetrics } from './http-metrics.js';
import type { HttpOptions } from './http-options.js';
import type { ModelDirectory } from './model-directory.js';
import { rateLimit } from './rate-limit.js';
import { registerClassifyRoutes } from './routes/classify-routes.js';
import { registerDocsRoutes } from './routes/docs-routes.js';
import { registerFeedbackRoute } from './routes/feedback-route.js';
import { registerHfModelsRoute } from './routes/hf-models-route.js';
import { registerModelsRoute } from './routes/models-route.js';
import { type ReadinessCheck, registerOpsRoutes } from './routes/ops-routes.js';
import { registerPredictRoute } from './routes/predict-route.js';
import { registerTeiRoutes } from './routes/tei-routes.js';
import { utf8Body } from './utf8-body.js';
import { validationError } from './validation-error.js';
import type { CallbackGuard } from './webhook/callback-guard.js';

/** What the app is built from; {@link HttpServer} wires the real ones. */
export interface AppDeps {
  readonly options: HttpOptions;
  /** `undefined` in local-development mode (loopback, no keys). */
  readonly keyring: ApiKeyring | undefined;
  readonly gateway: ClassifyGateway;
  /** Takes feedback on answers (`POST /v1/jobs/{id}/feedback`). */
  readonly feedback: FeedbackDesk;
  readonly models: ModelDirectory;
  readonly metrics: HttpMetrics;
  /** Producer connection the rate limiter keeps its counters on. */
  readonly redis: RedisClient;
  readonly ready: ReadinessCheck;
  readonly log: Logger;
  /** Admits `callback_url`s; `undefined` when the server sends no callbacks (no secret set). */
  readonly callbacks?: CallbackGuard | undefined;
}

/** Routes that need a key and count against the rate limit. */
const PROTECTED = ['/v1/*', PREDICT_PATH, '/invocations', '/info', '/models/*'] as const;

/** Routes where only POST needs a key: `GET /` is TEI's public health check, `POST /` predicts. */
const PROTECTED_POST = ['/'] as const;

// Hono's own client errors, reworded for a person and given our codes. Unsupported media types
// answer 400 like the other unreadable bodies, so clients have one status for "fix the body".
function fromHttpException(err: HTTPException, bodyLimitBytes: number): HttpError {
  if (err.status === 413) {
    return new HttpError(
      413,
      'payload_too_large',
      `The request body is larger than ${bodyLimitBytes} bytes.`,
      { Connection: 'close' },
    );
  }
  if (err.status === 415 || /content-type/i.test(err.message)) {
    return new HttpError(400, 'bad_request', 'Send the body as JSON with "Content-Type: application/json".');
  }
  if (/json/i.test(err.message))
    return new HttpError(400, 'bad_request', 'The request body is not valid JSON.');
  return new HttpError(
    err.status >= 500 ? 500 : 400,
    err.status >= 500 ? 'internal' : 'bad_request',
    err.message,
  );
}

/** Builds the API: routes, validation, auth, limits, metrics and error answers. */
export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const { options, log } = deps;
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const err =
        result.target === 'param'
          ? new HttpError(404, 'not_found', `No such resource: ${c.req.path}`)
          : validationError(result.error, (result as { data?: unknown }).data);
      return errorResponse(c, err);
    },
  });

  app.use('*', deps.metrics.middleware());
  // Hono hands only Error instances to onError; anything else thrown would reach the client as a
  // bare 500 from the Node adapter. This turns it into the usual JSON answer.
  app.use('*', async (c, next) => {
    try {
      await next();
    } catch (err) {
      log.error({ err, method: c.req.method, route: c.req.path }, 'unexpected non-Error thrown');
      c.res = errorResponse(c, toHttpError(err));
    }
  });
  const limits = rateLimit({
    redis: deps.redis,
    redisUrl: options.redisUrl,
    prefix: options.prefix,
    perMinute: options.rateLimitPerMinute,
  });
  const sizeLimit = bodyLimit({
    maxBytes: options.bodyLimitBytes,
    onTooLarge: () => {
      // Without "Connection: close" the client would send its next request on this connection
      // while the server is still discarding the rest of the body, and that request would be lost
      // with the connection ("other side closed"). bodyLimit has read the rest of the body (up to
      // a bound) first, so the close does not reset a client that is still writing.
      throw new HttpError(
        413,
        'payload_too_large',
        `The request body is larger than ${options.bodyLimitBytes} bytes.`,
        { Connection: 'close' },
      );
    },
  });
  const bodyChecks: MiddlewareHandler = async (c, next) =>
    c.req.method === 'POST'
      ? sizeLimit(c, async () => {
          await utf8Body(c, next);
        })
      : next();
  const auth = bearerAuth(deps.keyring);
  for (const path of PROTECTED) app.use(path, auth, limits, bodyChecks);
  for (const path of PROTECTED_POST) {
    app.on('POST', path, auth, limits, bodyChecks);
  }

  registerClassifyRoutes(app, deps.gateway, options.defaultModel, deps.callbacks);
  registerFeedbackRoute(app, deps.feedback);
  registerModelsRoute(app, deps.models, options.defaultModel);
  registerPredictRoute(app, deps.gateway, deps.models, options.predictModel);
  registerHfModelsRoute(app, deps.gateway);
  registerOpsRoutes(app, deps.metrics, deps.ready);
  registerTeiRoutes(app, deps.models, deps.ready, {
    predictModel: options.predictModel,
    maxQueueDepth: options.maxQueueDepth,
  });
  registerDocsRoutes(app);

  app.notFound((c) =>
    errorResponse(
      c,
      new HttpError(
        404,
        'not_found',
        `No route ${c.req.method} ${c.req.path}. The API is described at /docs.`,
      ),
    ),
  );
  app.onError((err, c) => {
    const httpError =
      err instanceof HTTPException ? fromHttpException(err, options.bodyLimitBytes) : toHttpError(err);
    if (httpError.status >= 500 && httpError.code === 'internal') {
      log.error({ err, method: c.req.method, route: c.req.path }, 'unexpected error');
    }
    return errorResponse(c, httpError);
  });
  return app;
}
