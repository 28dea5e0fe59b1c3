/**
 * `@switchboard/core/inference`: the onnxruntime classifier and the model repository that loads
 * it. Only workers and in-process callers (CLI, benchmarks) import this entry point.
 * @packageDocumentation
 */
export {
  type AddedModelVersion,
  type AddModelVersionOptions,
  addModelVersion,
  pinDefault,
} from './inference/add-model-version.js';
export { scoreLogits } from './inference/label-scores.js';
export { ModelRepository } from './inference/model-repository.js';
export { type ClassifierOptions, OnnxClassifier } from './inference/onnx-classifier.js';
