/**
 * `@switchboard/core`: contracts, errors, configuration and model metadata. Importing this entry
 * point never loads onnxruntime; use `@switchboard/core/inference` for that.
 * @packageDocumentation
 */
export { BUNDLED_MODELS_DIR, modelsDir } from './config.js';
export * from './errors.js';
export type { LabelScore, TextClassification } from './inference/label-scores.js';
export { type BrokenModel, ModelCatalog } from './model/model-catalog.js';
export {
  createEncoder,
  DEFAULT_MAX_INPUT_TOKENS,
  type ModelManifest,
  readModelFolder,
} from './model/model-folder.js';
export type { HfConfig, SwitchboardSpec } from './model/model-spec.js';
export { HashedNgramFeaturizer, type HashedNgramSpec, splitWords } from './text/hashed-featurizer.js';
export { HfTokenizerEncoder } from './text/hf-tokenizer.js';
export type { EncodedText, InputEncoder } from './text/input-encoder.js';
