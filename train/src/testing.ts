/**
 * `@switchboard/train/testing`: small deterministic ONNX graphs and the model folders built around
 * them, for tests of the core, the worker and the channels. Here rather than in the core, because
 * they need the graph builder.
 * @packageDocumentation
 */
export {
  buildMeanPoolModel,
  type MeanPoolModelOptions,
  type MeanPoolWeights,
  meanPoolReferenceLogits,
  meanPoolWeights,
} from './testing/mean-pool-model.js';
export {
  BERT_VOCAB,
  TEST_FEATURIZER,
  writeBertStyleModel,
  writeFeaturizerModel,
} from './testing/test-model-folders.js';
export { bertWordPieceFiles, robertaBpeFiles, type TokenizerFiles } from './testing/tiny-tokenizers.js';
