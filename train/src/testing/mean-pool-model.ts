import { GraphBuilder } from '../onnx/onnx-graph.js';

/** Shape of a small test graph: an id embedding, masked mean, one linear layer. */
export interface MeanPoolModelOptions {
  /** Rows of the id embedding (tokenizer vocabulary or featurizer buckets). */
  readonly vocab: number;
  /** Embedding width. Default 8. */
  readonly dim?: number;
  /** Width of `logits`. */
  readonly classes: number;
  /** Element type of the id inputs. Default `int64`. */
  readonly idType?: 'int64' | 'int32';
  /** Name of the id input; rename it to build a graph that lacks `input_ids`. */
  readonly idsName?: string;
  /** Declare `attention_mask` (else every position counts). Default true. */
  readonly withMask?: boolean;
  /** Rows of a `token_type_ids` embedding added to each position, as BERT does; omit for none. */
  readonly tokenTypes?: number;
  /** More declared (unused) `[batch, sequence]` inputs, e.g. one Switchboard cannot give. */
  readonly extraInputs?: readonly string[];
  /** Seed of the weights, so two builds with one seed are the same model. Default 1. */
  readonly seed?: number;
  /** Element type of `logits`; `float16` as `model_fp16.onnx` exports give. Default `float`. */
  readonly logitsType?: 'float' | 'float16';
}

/**
 * Builds a small classifier graph in the Hugging Face input layout. Variants (int32 ids, missing
 * inputs, extra inputs, token types) let tests reach every check the classifier makes on a graph.
 */
export function buildMeanPoolModel(o: MeanPoolModelOptions): Uint8Array {
  const w = meanPoolWeights(o);
  const idType = o.idType ?? 'int64';
  const g = new GraphBuilder();
  const ids = g.input(o.idsName ?? 'input_ids', idType, ['batch', 'sequence']);
  const mask = o.withMask === false ? undefined : g.input('attention_mask', idType, ['batch', 'sequence']);
  const types = w.typeEmbedding ? g.input('token_type_ids', idType, ['batch', 'sequence']) : undefined;
  for (const name of o.extraInputs ?? []) g.input(name, idType, ['batch', 'sequence']);
  const half = o.logitsType === 'float16';
  g.output('logits', half ? 'float16' : 'float', ['batch', o.classes]);

  const table = g.floats('embedding', [o.vocab, w.dim], w.embedding);
  let vectors = g.node('Gather', [table, ids], { axis: 0 });
  if (types && w.typeEmbedding) {
    const typeTable = g.floats('token_type_embedding', [o.tokenTypes!, w.dim], w.typeEmbedding);
    vectors = g.node('Add', [vectors, g.node('Gather', [typeTable, types], { axis: 0 })]);
  }
  let mean: string;
  if (mask) {
    const seqAxis = g.ints('axis_seq', [1], [1]);
    const maskF = g.node('Cast', [mask], { to: 1 });
    const masked = g.node('Mul', [vectors, g.node('Unsqueeze', [maskF, g.ints('axis_last', [1], [-1])])]);
    const sum = g.node('ReduceSum', [masked, seqAxis], { keepdims: 0 });
    const count = g.node('Max', [
      g.node('ReduceSum', [maskF, seqAxis], { keepdims: 1 }),
      g.floats('one', [], [1]),
    ]);
    mean = g.node('Div', [sum, count]);
  } else {
    mean = g.node('ReduceMean', [vectors], { axes: [1], keepdims: 0 });
  }
  const weight = g.floats('classifier.weight', [w.dim, o.classes], w.weight);
  const bias = g.floats('classifier.bias', [o.classes], w.bias);
  const logits = g.node('Add', [g.node('MatMul', [mean, weight]), bias], {}, half ? undefined : 'logits');
  if (half) g.node('Cast', [logits], { to: 10 }, 'logits');
  return g.toBytes('switchboard-test-mean-pool');
}

/** The weights {@link buildMeanPoolModel} puts in a graph, drawn from the seed. */
export interface MeanPoolWeights {
  readonly dim: number;
  /** `[vocab, dim]`. */
  readonly embedding: Float32Array;
  /** `[tokenTypes, dim]`, when the graph takes `token_type_ids`. */
  readonly typeEmbedding: Float32Array | undefined;
  /** `[dim, classes]`. */
  readonly weight: Float32Array;
  /** `[classes]`. */
  readonly bias: Float32Array;
}

/** Draws the weights of a mean-pool model; the same options always give the same weights. */
export function meanPoolWeights(o: MeanPoolModelOptions): MeanPoolWeights {
  const dim = o.dim ?? 8;
  const random = seededUniform(o.seed ?? 1);
  const embedding = random(o.vocab * dim);
  const typeEmbedding = o.tokenTypes ? random(o.tokenTypes * dim) : undefined;
  const weight = random(dim * o.classes);
  const bias = random(o.classes);
  return { dim, embedding, typeEmbedding, weight, bias };
}

/**
 * The logits the graph should give for one unpadded row of ids (token type 0 throughout), computed
 * in plain JavaScript: an oracle that does not go through onnxruntime.
 */
export function meanPoolReferenceLogits(w: MeanPoolWeights, ids: readonly number[]): number[] {
  const mean = new Array<number>(w.dim).fill(0);
  for (const id of ids) {
    for (let d = 0; d < w.dim; d++) {
      mean[d]! += w.embedding[id * w.dim + d]! + (w.typeEmbedding ? w.typeEmbedding[d]! : 0);
    }
  }
  const count = Math.max(1, ids.length);
  const classes = w.bias.length;
  const logits = Array.from(w.bias);
  for (let c = 0; c < classes; c++) {
    for (let d = 0; d < w.dim; d++) logits[c]! += (mean[d]! / count) * w.weight[d * classes + c]!;
  }
  return logits;
}

/** mulberry32: tiny, seeded, good enough for test weights in [-1, 1). */
function seededUniform(seed: number): (n: number) => Float32Array {
  let state = seed >>> 0;
  return (n) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
    }
    return out;
  };
}
