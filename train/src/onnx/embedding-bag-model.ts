import { GraphBuilder } from './onnx-graph.js';

/** Weights of a fastText-style classifier: mean of id embeddings, then one linear layer. */
export interface EmbeddingBagWeights {
  /** Rows of the id space (featurizer buckets). */
  readonly vocab: number;
  /** Embedding width. */
  readonly dim: number;
  /** Number of labels. */
  readonly classes: number;
  /** `[vocab, dim]`, row-major; row 0 (padding) is masked out anyway. */
  readonly embedding: Float32Array;
  /** `[dim, classes]`, row-major. */
  readonly weight: Float32Array;
  /** `[classes]`. */
  readonly bias: Float32Array;
}

/**
 * How the id embeddings of one text are pooled: `mean` divides their sum by the number of ids
 * (fastText), `sqrt` by its square root. Either way an empty text pools to zeros.
 */
export type Pooling = 'mean' | 'sqrt';

/** Options of {@link buildEmbeddingBagModel}. */
export interface EmbeddingBagOptions {
  /** Default `mean`. */
  readonly pooling?: Pooling;
}

/** The factor the sum of `count` embeddings is multiplied by, as the graph computes it. */
export function poolingScale(count: number, pooling: Pooling): number {
  const n = Math.max(count, 1);
  return pooling === 'sqrt' ? 1 / Math.sqrt(n) : 1 / n;
}

/**
 * Builds the ONNX graph of the trainer's model. It takes `input_ids` and `attention_mask`
 * (`[batch, sequence]`, int64) like any Hugging Face classifier and gives `logits` `[batch, classes]`,
 * so the same classifier code serves it and transformer models.
 */
export function buildEmbeddingBagModel(
  w: EmbeddingBagWeights,
  options: EmbeddingBagOptions = {},
): Uint8Array {
  const g = new GraphBuilder();
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const mask = g.input('attention_mask', 'int64', ['batch', 'sequence']);
  g.output('logits', 'float', ['batch', w.classes]);
  addEmbeddingBag(g, ids, g.node('Cast', [mask], { to: 1 }), w, options, 'logits');
  return g.toBytes('switchboard-embedding-bag');
}

/**
 * Adds the embedding bag to a graph: `ids` (int64) pooled where `maskF` (float, same shape) is 1,
 * then the linear layer. Returns the name of the logits (`output` when given).
 */
export function addEmbeddingBag(
  g: GraphBuilder,
  ids: string,
  maskF: string,
  w: EmbeddingBagWeights,
  options: EmbeddingBagOptions = {},
  output?: string,
): string {
  const table = g.floats('embedding', [w.vocab, w.dim], w.embedding);
  const weight = g.floats('classifier.weight', [w.dim, w.classes], w.weight);
  const bias = g.floats('classifier.bias', [w.classes], w.bias);
  const lastAxis = g.ints('axis_last', [1], [-1]);
  const seqAxis = g.ints('axis_seq', [1], [1]);
  const one = g.floats('one', [], [1]);

  const vectors = g.node('Gather', [table, ids], { axis: 0 });
  const masked = g.node('Mul', [vectors, g.node('Unsqueeze', [maskF, lastAxis])]);
  const sum = g.node('ReduceSum', [masked, seqAxis], { keepdims: 0 });
  const count = g.node('Max', [g.node('ReduceSum', [maskF, seqAxis], { keepdims: 1 }), one]);
  const divisor = options.pooling === 'sqrt' ? g.node('Sqrt', [count]) : count;
  const pooled = g.node('Div', [sum, divisor]);
  return g.node('Add', [g.node('MatMul', [pooled, weight]), bias], {}, output);
}
