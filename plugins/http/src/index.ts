/**
 * `@switchboard/plugin-http`: Switchboard's HTTP API (classify, jobs, models, a TEI-compatible
 * `/predict`, OpenAPI, health and metrics). It only enqueues: it never loads onnxruntime.
 * @packageDocumentation
 */
export { ApiKeyring, MIN_API_KEY_CHARS } from './api-keyring.js';
export type { AppEnv } from './app-env.js';
export { LOCAL_CALLER } from './auth.js';
export { ClassifyGateway, type GatewayLimits, type Outcome, type Submission } from './classify-gateway.js';
export { type AppDeps, createApp } from './create-app.js';
export { type ErrorBody, HttpError, type HttpErrorCode } from './http-error.js';
export { HttpMetrics } from './http-metrics.js';
export {
  HTTP_ENV,
  type HttpOptions,
  HttpOptionsSchema,
  httpOptionsFromEnv,
  parseHttpOptions,
} from './http-options.js';
export { type AuthMode, authMode, HttpServer } from './http-server.js';
export { isLoopbackHost } from './loopback-host.js';
export { API_INFO } from './routes/docs-routes.js';
export { parsePredictInputs, rawScore, toPredictions } from './tei-predict.js';
