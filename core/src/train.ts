/**
 * `@switchboard/core/train`: the fastText-style trainer, its data reader and metrics, the ONNX
 * graph builder and the model-folder writer used by the trainer, tests and benchmarks.
 * @packageDocumentation
 */

export { type ModelFolderContents, writeModelFolder } from './model/write-model-folder.js';
export {
  buildEmbeddingBagModel,
  type EmbeddingBagOptions,
  type EmbeddingBagWeights,
  type Pooling,
  poolingScale,
} from './onnx/embedding-bag-model.js';
export { type AttrValue, type Dim, type ElemType, GraphBuilder } from './onnx/onnx-graph.js';
export {
  DEFAULT_FASTTEXT_OPTIONS,
  type EpochReport,
  type FastTextModel,
  type FastTextOptions,
  type TrainObserver,
  type TrainProgress,
  trainFastText,
} from './train/fasttext-trainer.js';
export { type ClassificationMetrics, computeMetrics, type LabelMetrics } from './train/metrics.js';
export { applyPretrained, type PretrainedInit, type PretrainedReport } from './train/pretrained-init.js';
export { SeededRandom } from './train/seeded-random.js';
export {
  metricsRecord,
  type TrainedModelInfo,
  trainedModelSpec,
  writeTrainedModel,
} from './train/trained-model-folder.js';
export {
  describeSkipped,
  type LabelledData,
  type LabelledExample,
  labelsOf,
  parseLabelledTsv,
  readLabelledTsv,
  type SkippedLine,
} from './train/tsv-data.js';
export {
  describeWordVectors,
  readWordVectors,
  readWordVectorsFor,
  type WordVectorFilter,
  type WordVectors,
} from './train/word-vectors.js';
