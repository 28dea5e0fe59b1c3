/**
 * `@switchboard/core/train`: the ONNX graph builder and the model-folder writer used by the
 * trainer, tests and benchmarks.
 * @packageDocumentation
 */

export { type ModelFolderContents, writeModelFolder } from './model/write-model-folder.js';
export { buildEmbeddingBagModel, type EmbeddingBagWeights } from './onnx/embedding-bag-model.js';
export { type AttrValue, type Dim, type ElemType, GraphBuilder } from './onnx/onnx-graph.js';
