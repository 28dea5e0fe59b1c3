/**
 * `@switchboard/core`: contracts, errors, configuration and model metadata. Importing this entry
 * point never loads onnxruntime; use `@switchboard/core/inference` for that.
 * @packageDocumentation
 */
export { BUNDLED_MODELS_DIR, modelsDir } from './config.js';
export * from './contracts/classify-request.js';
export * from './contracts/classify-result.js';
export * from './contracts/delivery.js';
export * from './contracts/limits.js';
export * from './contracts/model-ref.js';
export * from './contracts/secret-fields.js';
export { describeIssue, parseClassifyRequest } from './contracts/validate.js';
export type { WorkerAnnouncement, WorkerRegistryView } from './contracts/worker-announcement.js';
export { optionsFromEnv } from './env-options.js';
export * from './errors.js';
export { type FeedbackRecord, type FeedbackScope, isAgreement } from './feedback/feedback-record.js';
export {
  DEFAULT_FEEDBACK_MAX_AGE_DAYS,
  DEFAULT_FEEDBACK_MAX_RECORDS,
  type FeedbackFilter,
  FeedbackStore,
  type FeedbackStoreOptions,
} from './feedback/feedback-store.js';
export type { LabelScore, TextClassification } from './inference/label-scores.js';
export {
  type BrokenModel,
  ModelCatalog,
  type ModelEntry,
  resolveVersion,
} from './model/model-catalog.js';
export {
  createEncoder,
  DEFAULT_MAX_INPUT_TOKENS,
  type ModelIdentity,
  type ModelManifest,
  readModelFolder,
} from './model/model-folder.js';
export type { HfConfig, ModelSpec, SwitchboardSpec } from './model/model-spec.js';
export { findOnnxFile, ONNX_FILE_PREFERENCE } from './model/onnx-file.js';
export {
  ClassifyQueue,
  type ClassifyQueueOptions,
  type FinishedJob,
  type JobState,
  type JobView,
  type QueueCounts,
} from './queue/classify-queue.js';
export {
  DeliveryConsumer,
  type DeliveryConsumerOptions,
  PermanentDeliveryError,
  RetryLaterError,
} from './queue/delivery-consumer.js';
export {
  DELIVERY_RETENTION,
  DeliveryPublisher,
  type DeliveryPublisherOptions,
} from './queue/delivery-publisher.js';
export { decodeFailure, encodeFailure, failureError } from './queue/failure-reason.js';
export { type JobRetentionOptions, jobOptions } from './queue/job-options.js';
export { CLASSIFY_QUEUE, DEFAULT_QUEUE_PREFIX, deliveryQueueName } from './queue/queue-names.js';
export { clusterNodes, queuePrefix } from './queue/redis-cluster.js';
export {
  bullConnection,
  connectionFromUrl,
  connectRedis,
  createRedis,
  DEFAULT_REDIS_URL,
  isConnectionError,
  type RedisClient,
  type RedisRole,
  redactRedisUrl,
  redisOptions,
  unavailable,
} from './queue/redis-connection.js';
export {
  announceReady,
  type ParentGoneLog,
  type ServiceReadyMessage,
  type StopLog,
  stopOnSignals,
  stopWhenParentGone,
} from './service.js';
export * from './service-declaration.js';
export { HashedNgramFeaturizer, type HashedNgramSpec, splitWords } from './text/hashed-featurizer.js';
export { HfTokenizerEncoder } from './text/hf-tokenizer.js';
export type { EncodedText, InputEncoder } from './text/input-encoder.js';
export { formatSequenceVocabulary, parseSequenceVocabulary } from './text/sequence-vocabulary.js';
export * from './workspace-services.js';
