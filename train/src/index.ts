/**
 * `@switchboard/train`: the fastText-style trainer, its data reader and metrics, the ONNX graph
 * builder and the model-folder writer used by the trainer, tests and benchmarks. Serving never
 * needs it: the core reads and runs the folders this package writes.
 * @packageDocumentation
 */

export {
  BagCnnModel,
  type CnnVectors,
  SEQUENCE_VOCABULARY_FILE,
  type SequenceVocabularyReport,
  trainBagCnn,
} from './bag-cnn-model.js';
export {
  DEFAULT_FASTTEXT_OPTIONS,
  type EpochReport,
  type FastTextModel,
  type FastTextOptions,
  type TrainObserver,
  type TrainProgress,
  trainFastText,
} from './fasttext-trainer.js';
export { type ClassificationMetrics, computeMetrics, type LabelMetrics } from './metrics.js';
export {
  addEmbeddingBag,
  buildEmbeddingBagModel,
  type EmbeddingBagOptions,
  type EmbeddingBagWeights,
  type Pooling,
  poolingScale,
} from './onnx/embedding-bag-model.js';
export { type AttrValue, type Dim, type ElemType, GraphBuilder } from './onnx/onnx-graph.js';
export {
  type QuantizeOptions,
  type QuantizeReport,
  quantizeColumns,
  quantizeModel,
} from './onnx/quantize-model.js';
export { QUANTIZED_FILE, type QuantizedFolder, quantizeModelFolder } from './onnx/quantize-model-folder.js';
export {
  addWordCnn,
  type BagCnnOptions,
  buildBagCnnModel,
  type WordCnnWeights,
} from './onnx/word-cnn-model.js';
export { applyPretrained, type PretrainedInit, type PretrainedReport } from './pretrained-init.js';
export { SeededRandom } from './seeded-random.js';
export {
  metricsRecord,
  type TrainedModel,
  type TrainedModelInfo,
  trainedModelSpec,
  writeTrainedModel,
} from './trained-model-folder.js';
export {
  describeSkipped,
  type LabelledData,
  type LabelledExample,
  labelsOf,
  parseLabelledTsv,
  readLabelledTsv,
  type SkippedLine,
} from './tsv-data.js';
export {
  DEFAULT_WORD_CNN_OPTIONS,
  type WordCnnOptions,
} from './word-cnn-trainer.js';
export {
  describeWordVectors,
  readWordVectors,
  readWordVectorsFor,
  type WordVectorFilter,
  type WordVectors,
} from './word-vectors.js';
export { type ModelFolderContents, writeModelFolder } from './write-model-folder.js';
