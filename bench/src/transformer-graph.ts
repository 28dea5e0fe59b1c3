import { GraphBuilder } from '@switchboard/train';
import { seededRandom } from './sentence-generator.js';

/** The shape of a BERT-style encoder classifier. */
export interface TransformerShape {
  /** Encoder layers. */
  readonly layers: number;
  /** Hidden width; a multiple of `heads`. */
  readonly hidden: number;
  /** Attention heads. */
  readonly heads: number;
  /** Width of the feed-forward layer. */
  readonly intermediate: number;
  /** Rows of the word embedding (the tokenizer's vocabulary size). */
  readonly vocab: number;
  /** Rows of the position embedding: the longest input. */
  readonly maxPositions: number;
  /** Rows of the token-type embedding. */
  readonly typeVocab: number;
  /** Output classes. */
  readonly classes: number;
  /** Seed of the random weights. */
  readonly seed: number;
  /** Spread (standard deviation) of the random weights; BERT initialises with 0.02. */
  readonly initStd: number;
}

/**
 * The shape of the common small encoder classifiers (MiniLM-L12-H384, e5-small, bge-small): about
 * 33 million parameters with the BERT vocabulary.
 */
export const SMALL_ENCODER: Omit<TransformerShape, 'vocab'> = {
  layers: 12,
  hidden: 384,
  heads: 12,
  intermediate: 1536,
  maxPositions: 512,
  typeVocab: 2,
  classes: 2,
  seed: 1,
  initStd: 0.02,
};

/** What HF's BERT adds to the attention scores of masked keys. */
const MASKED_SCORE = -10_000;
const LAYER_NORM_EPSILON = 1e-12;

/**
 * Builds the ONNX graph of a BERT sequence classifier with random weights, node for node the pattern
 * a PyTorch export gives (so onnxruntime applies the same fusions it applies to real exports):
 * word + position + token-type embeddings and LayerNorm; per layer, multi-head self-attention with the
 * additive attention mask, residual and LayerNorm, an Erf GELU feed-forward, residual and LayerNorm;
 * then the pooler (tanh dense over [CLS]) and the classifier. Inputs `input_ids`, `attention_mask`,
 * `token_type_ids` (`[batch, sequence]`, int64); output `logits` `[batch, classes]`.
 *
 * Speed does not depend on the weights, so random ones bench exactly like trained ones.
 */
export function buildTransformerGraph(shape: TransformerShape): Uint8Array {
  const { hidden: H, heads, intermediate: I } = shape;
  if (H % heads !== 0) throw new RangeError(`hidden ${H} is not a multiple of heads ${heads}`);
  const headDim = H / heads;
  const random = seededRandom(shape.seed);
  // Uniform with the requested standard deviation: cheaper than normal and as good for timing.
  const spread = shape.initStd * Math.sqrt(3);
  const weights = (count: number) => new Float32Array(count).map(() => (random() * 2 - 1) * spread);

  const g = new GraphBuilder();
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const mask = g.input('attention_mask', 'int64', ['batch', 'sequence']);
  const types = g.input('token_type_ids', 'int64', ['batch', 'sequence']);
  g.output('logits', 'float', ['batch', shape.classes]);

  const scalar = (name: string, value: number) => g.floats(name, [], [value]);
  const dense = (name: string, x: string, rows: number, cols: number) =>
    g.node('Add', [
      g.node('MatMul', [x, g.floats(`${name}.weight`, [rows, cols], weights(rows * cols))]),
      g.floats(`${name}.bias`, [cols], new Float32Array(cols)),
    ]);
  const layerNorm = (name: string, x: string) =>
    g.node(
      'LayerNormalization',
      [
        x,
        g.floats(`${name}.weight`, [H], new Float32Array(H).fill(1)),
        g.floats(`${name}.bias`, [H], new Float32Array(H)),
      ],
      { axis: -1, epsilon: { float: LAYER_NORM_EPSILON } },
    );

  // Embeddings. Position ids are 0..sequence-1, computed from the input's shape.
  const words = g.node('Gather', [
    g.floats('embeddings.word_embeddings.weight', [shape.vocab, H], weights(shape.vocab * H)),
    ids,
  ]);
  const length = g.node('Gather', [g.node('Shape', [ids]), g.ints('dim_sequence', [], [1])], { axis: 0 });
  const positionIds = g.node('Range', [g.ints('zero', [], [0]), length, g.ints('one_step', [], [1])]);
  const positions = g.node('Gather', [
    g.floats(
      'embeddings.position_embeddings.weight',
      [shape.maxPositions, H],
      weights(shape.maxPositions * H),
    ),
    positionIds,
  ]);
  const typeRows = g.node('Gather', [
    g.floats('embeddings.token_type_embeddings.weight', [shape.typeVocab, H], weights(shape.typeVocab * H)),
    types,
  ]);
  let x = layerNorm('embeddings.LayerNorm', g.node('Add', [g.node('Add', [words, positions]), typeRows]));

  // Additive mask [batch, 1, 1, sequence]: 0 for real keys, -10000 for padding.
  const keep = g.node('Cast', [g.node('Unsqueeze', [mask, g.ints('axes_heads_queries', [2], [1, 2])])], {
    to: 1,
  });
  const additiveMask = g.node('Mul', [
    g.node('Sub', [scalar('one', 1), keep]),
    scalar('masked_score', MASKED_SCORE),
  ]);

  const splitHeads = g.ints('shape_split_heads', [4], [0, 0, heads, headDim]);
  const mergeHeads = g.ints('shape_merge_heads', [3], [0, 0, H]);
  const scale = scalar('attention_scale', Math.sqrt(headDim));
  const sqrt2 = scalar('sqrt_2', Math.SQRT2);
  const one = scalar('gelu_one', 1);
  const half = scalar('gelu_half', 0.5);

  for (let layer = 0; layer < shape.layers; layer++) {
    const p = `encoder.layer.${layer}`;
    const heads4 = (name: string, perm: number[]) =>
      g.node('Transpose', [g.node('Reshape', [dense(`${p}.attention.self.${name}`, x, H, H), splitHeads])], {
        perm,
      });
    const q = heads4('query', [0, 2, 1, 3]);
    const kT = heads4('key', [0, 2, 3, 1]);
    const v = heads4('value', [0, 2, 1, 3]);
    const scores = g.node('Add', [g.node('Div', [g.node('MatMul', [q, kT]), scale]), additiveMask]);
    const context = g.node('MatMul', [g.node('Softmax', [scores], { axis: -1 }), v]);
    const merged = g.node('Reshape', [g.node('Transpose', [context], { perm: [0, 2, 1, 3] }), mergeHeads]);
    const attended = dense(`${p}.attention.output.dense`, merged, H, H);
    x = layerNorm(`${p}.attention.output.LayerNorm`, g.node('Add', [attended, x]));

    const up = dense(`${p}.intermediate.dense`, x, H, I);
    const gelu = g.node('Mul', [
      g.node('Mul', [up, g.node('Add', [g.node('Erf', [g.node('Div', [up, sqrt2])]), one])]),
      half,
    ]);
    const down = dense(`${p}.output.dense`, gelu, I, H);
    x = layerNorm(`${p}.output.LayerNorm`, g.node('Add', [down, x]));
  }

  const cls = g.node('Gather', [x, g.ints('first_position', [], [0])], { axis: 1 });
  const pooled = g.node('Tanh', [dense('pooler.dense', cls, H, H)]);
  g.node(
    'Add',
    [
      g.node('MatMul', [
        pooled,
        g.floats('classifier.weight', [H, shape.classes], weights(H * shape.classes)),
      ]),
      g.floats('classifier.bias', [shape.classes], new Float32Array(shape.classes)),
    ],
    {},
    'logits',
  );
  return g.toBytes('switchboard-bench-bert');
}
