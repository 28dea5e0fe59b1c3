/**
 * `@switchboard/plugin-http`: Switchboard's HTTP API (classify, jobs, models, a TEI-compatible
 * `/predict`, OpenAPI, health and metrics). It only enqueues: it never loads onnxruntime.
 * @packageDocumentation
 */
export { ApiKeyring, MIN_API_KEY_CHARS } from './api-keyring.js';
export type { AppEnv } from './app-env.js';
export { LOCAL_CALLER } from './auth.js';
export {
  ClassifyGateway,
  type GatewayLimits,
  type Outcome,
  type Submission,
  WEBHOOK_CHANNEL,
} from './classify-gateway.js';
export { type AppDeps, createApp } from './create-app.js';
export {
  FeedbackDesk,
  type FeedbackDeskOptions,
  type FeedbackInput,
  type FeedbackReceipt,
} from './feedback-desk.js';
export { type ErrorBody, HttpError, type HttpErrorCode } from './http-error.js';
export { HttpMetrics } from './http-metrics.js';
export {
  HTTP_ENV,
  type HttpOptions,
  HttpOptionsSchema,
  httpOptionsFromEnv,
  parseHttpOptions,
} from './http-options.js';
export { type AuthMode, authMode, HttpServer, type HttpServerHooks } from './http-server.js';
export { type JobBody, jobBody } from './job-body.js';
export { isLoopbackHost } from './loopback-host.js';
export { API_INFO } from './routes/docs-routes.js';
export { parsePredictInputs, rawScore, toPredictions } from './tei-predict.js';
export { isInternalAddress } from './webhook/address-ranges.js';
export { AllowedOrigins } from './webhook/allowed-origins.js';
export { CallbackGuard } from './webhook/callback-guard.js';
export {
  CallbackPolicy,
  CallbackRefusedError,
  type HostResolver,
  MAX_CALLBACK_URL_CHARS,
  type ResolvedAddress,
  systemResolver,
} from './webhook/callback-policy.js';
export {
  type AttemptResult,
  decide,
  type RetryBounds,
  type RetryDecision,
  resultOfStatus,
  retryAfterMs,
} from './webhook/retry-decision.js';
export {
  MAX_WEBHOOK_BODY_BYTES,
  WebhookDeliverer,
  type WebhookDelivererOptions,
} from './webhook/webhook-deliverer.js';
export { WebhookMetrics } from './webhook/webhook-metrics.js';
export { WebhookSecrets, type WebhookSecretsOptions, webhookSigner } from './webhook/webhook-secrets.js';
export { type SendAnswer, type SendRequest, SendTimeoutError, sendOnce } from './webhook/webhook-sender.js';
