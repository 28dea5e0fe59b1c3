import {
  addEmbeddingBag,
  type EmbeddingBagOptions,
  type EmbeddingBagWeights,
} from './embedding-bag-model.js';
import { GraphBuilder } from './onnx-graph.js';

/**
 * Weights of a word-level convolutional classifier (Kim, 2014, one filter width): word
 * embeddings, one 1-D convolution over word windows, ReLU, max over the text, one linear layer.
 */
export interface WordCnnWeights {
  /** Rows of the word table: the vocabulary plus row 0, the unknown word (kept at zeros). */
  readonly vocab: number;
  /** Embedding width. */
  readonly dim: number;
  /** Words a filter spans. At least 2, so even an empty text has a window to pool. */
  readonly width: number;
  /** Number of filters (pooled features). */
  readonly filters: number;
  /** Number of labels. */
  readonly classes: number;
  /** `[vocab, dim]`, row-major. */
  readonly embedding: Float32Array;
  /** `[filters, width, dim]`, row-major: filter f weighs word k of its window by `conv[f][k]`. */
  readonly conv: Float32Array;
  /** `[filters]`. */
  readonly convBias: Float32Array;
  /** `[filters, classes]`, row-major. */
  readonly weight: Float32Array;
  /** `[classes]`. */
  readonly bias: Float32Array;
}

/** How {@link buildBagCnnModel} joins its two parts. */
export interface BagCnnOptions extends EmbeddingBagOptions {
  /**
   * Ids from this value up are word-sequence ids (`offset + word`), below it n-gram ids: the
   * featurizer's `buckets`.
   */
  readonly offset: number;
  /** Weight of the CNN's log-probabilities; the bag's get `1 - cnnWeight`. */
  readonly cnnWeight: number;
}

// Subtracted from windows that hold no word of the text, so they never win the max.
const NO_WINDOW = 1e9;

/**
 * Builds the ONNX graph of a bag-of-n-grams model and a word CNN read from one `input_ids`
 * tensor (see the featurizer's `sequence_vocabulary`): `logits` are the weighted sum of the two
 * models' log-probabilities, so softmax gives their weighted geometric mean.
 */
export function buildBagCnnModel(
  bag: EmbeddingBagWeights,
  cnn: WordCnnWeights,
  options: BagCnnOptions,
): Uint8Array {
  if (bag.classes !== cnn.classes) throw new RangeError(`bag has ${bag.classes} classes, cnn ${cnn.classes}`);
  const g = new GraphBuilder();
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const mask = g.input('attention_mask', 'int64', ['batch', 'sequence']);
  g.output('logits', 'float', ['batch', bag.classes]);

  const maskF = g.node('Cast', [mask], { to: 1 });
  const isWord = g.node('GreaterOrEqual', [ids, g.ints('sequence_offset', [], [options.offset])]);
  const isWordF = g.node('Mul', [g.node('Cast', [isWord], { to: 1 }), maskF]);
  const zero = g.ints('zero_id', [], [0]);

  const bagIds = g.node('Where', [isWord, zero, ids]);
  const bagMask = g.node('Sub', [maskF, isWordF]);
  const bagLogits = addEmbeddingBag(g, bagIds, bagMask, bag, options);

  // Word ids come first in every row; keep the longest such prefix in the batch. One masked
  // column is appended first, so that a batch of empty texts still gives the CNN one position:
  // onnxruntime's Pad keeps an empty tensor empty, and the pooling after it refuses one.
  const wordIds = g.node('Where', [
    isWord,
    g.node('Sub', [ids, g.ints('offset_i', [], [options.offset])]),
    zero,
  ]);
  const column = g.node('Concat', [g.node('Shape', [ids], { start: 0, end: 1 }), g.ints('one_i', [1], [1])], {
    axis: 0,
  });
  // Without a value attribute ConstantOfShape gives float zeros.
  const zerosF = g.node('ConstantOfShape', [column]);
  const zerosI = g.node('Cast', [zerosF], { to: 7 });
  const axis1 = g.ints('slice_axis', [1], [1]);
  const paddedIds = g.node('Concat', [wordIds, zerosI], { axis: 1 });
  const paddedMask = g.node('Concat', [isWordF, zerosF], { axis: 1 });
  const counted = g.node('ReduceSum', [g.node('Cast', [isWord], { to: 7 }), axis1], { keepdims: 0 });
  const words = g.node('Max', [
    g.node('ReduceMax', [counted], { keepdims: 1 }),
    g.ints('one_word', [1], [1]),
  ]);
  const start = g.ints('slice_start', [1], [0]);
  const prefixIds = g.node('Slice', [paddedIds, start, words, axis1]);
  const prefixMask = g.node('Slice', [paddedMask, start, words, axis1]);
  const cnnLogits = addWordCnn(g, prefixIds, prefixMask, cnn);

  const logSoftmax = (x: string) => g.node('LogSoftmax', [x], { axis: -1 });
  const bagPart = g.node('Mul', [logSoftmax(bagLogits), g.floats('bag_weight', [], [1 - options.cnnWeight])]);
  const cnnPart = g.node('Mul', [logSoftmax(cnnLogits), g.floats('cnn_weight', [], [options.cnnWeight])]);
  g.node('Add', [bagPart, cnnPart], {}, 'logits');
  return g.toBytes('switchboard-bag-cnn');
}

/**
 * Adds the word CNN to a graph: `ids` (int64 `[batch, words]`, 0 for unknown words) where
 * `maskF` is 1. Each text is padded with `width - 1` empty words on both sides, as in training,
 * and only windows holding at least one of its words are pooled. Returns the logits.
 */
export function addWordCnn(g: GraphBuilder, ids: string, maskF: string, w: WordCnnWeights): string {
  const table = g.floats('cnn.embedding', [w.vocab, w.dim], w.embedding);
  const conv = g.floats('cnn.conv.weight', [w.filters, w.dim, w.width], convToOnnx(w));
  const convBias = g.floats('cnn.conv.bias', [w.filters], w.convBias);
  const weight = g.floats('cnn.classifier.weight', [w.filters, w.classes], w.weight);
  const bias = g.floats('cnn.classifier.bias', [w.classes], w.bias);
  const side = w.width - 1;
  const pads = g.ints('cnn.pads', [6], [0, 0, side, 0, 0, side]);

  const vectors = g.node('Mul', [
    g.node('Gather', [table, ids], { axis: 0 }),
    g.node('Unsqueeze', [maskF, g.ints('cnn.axis_last', [1], [-1])]),
  ]);
  const channels = g.node('Pad', [g.node('Transpose', [vectors], { perm: [0, 2, 1] }), pads]);
  const features = g.node('Relu', [g.node('Conv', [channels, conv, convBias], { kernel_shape: [w.width] })]);
  const present = g.node('Pad', [g.node('Unsqueeze', [maskF, g.ints('cnn.axis_1', [1], [1])]), pads]);
  const valid = g.node('MaxPool', [present], { kernel_shape: [w.width], strides: [1] });
  const penalty = g.node('Mul', [
    g.node('Sub', [valid, g.floats('cnn.one', [], [1])]),
    g.floats('cnn.no_window', [], [NO_WINDOW]),
  ]);
  const best = g.node('ReduceMax', [g.node('Add', [features, penalty])], { axes: [2], keepdims: 0 });
  const pooled = g.node('Max', [best, g.floats('cnn.zero', [], [0])]);
  return g.node('Add', [g.node('MatMul', [pooled, weight]), bias]);
}

/** `[filters, width, dim]` (training layout) to ONNX Conv's `[filters, dim, width]`. */
function convToOnnx(w: WordCnnWeights): Float32Array {
  const out = new Float32Array(w.conv.length);
  for (let f = 0; f < w.filters; f++) {
    for (let k = 0; k < w.width; k++) {
      for (let d = 0; d < w.dim; d++)
        out[(f * w.dim + d) * w.width + k] = w.conv[(f * w.width + k) * w.dim + d]!;
    }
  }
  return out;
}
