/**
 * `@switchboard/client`: a small, dependency-free TypeScript client of Switchboard's HTTP API.
 * @packageDocumentation
 */
export type {
  ClassifyResponse,
  ErrorBody,
  FeedbackReceipt,
  Job,
  JobAccepted,
  JobState,
  LabelScore,
  ModelInfo,
  ModelsResponse,
  ModelVersionInfo,
  TextResult,
} from './api-types.js';
export {
  AuthError,
  ConflictError,
  type HttpErrorDetails,
  InvalidInputError,
  NotFoundError,
  RateLimitError,
  SwitchboardHttpError,
  TimeoutError,
  UnavailableError,
} from './errors.js';
export { type BackoffOptions, backoffDelay, parseRetryAfter } from './retry-policy.js';
export {
  type ClassifyOptions,
  type FeedbackOptions,
  type FeedbackVerdict,
  SwitchboardClient,
  type SwitchboardClientOptions,
} from './switchboard-client.js';
export {
  verifyWebhook,
  WEBHOOK_TOLERANCE_SECONDS,
  type WebhookHeaders,
  WebhookVerificationError,
} from './verify-webhook.js';
