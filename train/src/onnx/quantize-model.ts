import onnxProto from 'onnx-proto';

// onnx-proto is CommonJS; under ESM only its default export carries the values.
const { onnx } = onnxProto;
type Node = onnxProto.onnx.INodeProto;
type Tensor = onnxProto.onnx.ITensorProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT8 = onnx.TensorProto.DataType.INT8;

/** Options of {@link quantizeModel}. */
export interface QuantizeOptions {
  /**
   * One scale per output column of a weight matrix instead of one per matrix. Default true: a
   * column with small weights keeps its resolution beside a column with a large one, which is
   * where per-tensor int8 loses accuracy.
   */
  readonly perChannel?: boolean;
  /** MatMul/Gemm weights with fewer elements stay fp32 (too small to pay for the extra nodes). Default 4,096. */
  readonly minWeightElements?: number;
  /**
   * Embedding tables (Gather over a float initializer) with at least this many elements are stored
   * as int8 with one scale per row. Default 262,144 (1 MB of fp32): below that the file barely shrinks.
   * `Infinity` keeps every table fp32.
   */
  readonly minEmbeddingElements?: number;
}

/** What {@link quantizeModel} changed. */
export interface QuantizeReport {
  /** MatMul and Gemm nodes whose weights are now int8. */
  readonly matmuls: number;
  /** Embedding tables now int8. */
  readonly embeddings: number;
  /** Weight bytes before and after. */
  readonly weightBytesBefore: number;
  readonly weightBytesAfter: number;
}

/**
 * Dynamic int8 quantization, as onnxruntime's `quantize_dynamic` does it: the weights of MatMul and
 * Gemm nodes become int8 (symmetric, per output column by default) and each such node becomes
 * `DynamicQuantizeLinear` on its input (uint8, scale and zero point computed per run), an integer
 * `MatMulInteger`, and a float rescale, the pattern onnxruntime fuses into its
 * `DynamicQuantizeMatMul` kernel. Large embedding tables are stored as int8 rows with a per-row
 * scale, widened after the `Gather`, so only the rows a text uses are ever converted. The graph
 * keeps its inputs and outputs, so the copy loads through the normal path.
 */
export function quantizeModel(
  bytes: Uint8Array,
  options: QuantizeOptions = {},
): { bytes: Uint8Array; report: QuantizeReport } {
  const perChannel = options.perChannel ?? true;
  const minWeight = options.minWeightElements ?? 4_096;
  const minEmbedding = options.minEmbeddingElements ?? 262_144;
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new Error('the ONNX model has no graph');
  const inits = new Map<string, Tensor>();
  for (const t of graph.initializer ?? []) inits.set(t.name ?? '', t);
  let before = 0;
  for (const t of inits.values()) if (t.dataType === FLOAT) before += floatsOf(t).length * 4;

  const nodes: Node[] = [];
  const added: Tensor[] = [];
  const replaced = new Set<string>();
  const quantizedInputs = new Map<string, [string, string, string]>();
  let counter = 0;
  let matmuls = 0;
  let embeddings = 0;
  const fresh = (base: string) => `${base}_q${counter++}`;

  const float2d = (name: string | undefined | null): Tensor | undefined => {
    const t = name ? inits.get(name) : undefined;
    return t && t.dataType === FLOAT && t.dims?.length === 2 ? t : undefined;
  };

  // [K, N] weights → int8 weights and the float scales the integer product is multiplied by.
  const addMatMul = (
    input: string,
    weight: Float32Array,
    k: number,
    n: number,
    output: string,
    base: string,
  ) => {
    const { data, scales } = quantizeColumns(weight, k, n, perChannel);
    const wq = fresh(`${base}_quantized`);
    added.push({ name: wq, dims: [k, n], dataType: INT8, rawData: new Uint8Array(data.buffer) });
    const ws = fresh(`${base}_scale`);
    added.push(floatTensor(ws, perChannel ? [n] : [], scales));
    let q = quantizedInputs.get(input);
    if (!q) {
      q = [fresh(`${input}_quantized`), fresh(`${input}_scale`), fresh(`${input}_zero_point`)];
      nodes.push({
        opType: 'DynamicQuantizeLinear',
        name: fresh('DynamicQuantizeLinear'),
        input: [input],
        output: q,
      });
      quantizedInputs.set(input, q);
    }
    const integer = fresh(`${output}_int32`);
    nodes.push({
      opType: 'MatMulInteger',
      name: fresh('MatMulInteger'),
      input: [q[0], wq, q[2]],
      output: [integer],
    });
    const asFloat = fresh(`${output}_float`);
    nodes.push({
      opType: 'Cast',
      name: fresh('Cast'),
      input: [integer],
      output: [asFloat],
      attribute: [intAttr('to', FLOAT)],
    });
    const scale = fresh(`${output}_rescale`);
    nodes.push({ opType: 'Mul', name: fresh('Mul'), input: [q[1], ws], output: [scale] });
    nodes.push({ opType: 'Mul', name: fresh('Mul'), input: [asFloat, scale], output: [output] });
    matmuls++;
  };

  for (const node of graph.node ?? []) {
    const op = node.opType;
    const inputs = node.input ?? [];
    const output = node.output?.[0] ?? '';
    if (op === 'MatMul') {
      const w = float2d(inputs[1]);
      if (w && Number(w.dims![0]) * Number(w.dims![1]) >= minWeight) {
        const [k, n] = [Number(w.dims![0]), Number(w.dims![1])];
        addMatMul(inputs[0]!, floatsOf(w), k, n, output, inputs[1]!);
        replaced.add(inputs[1]!);
        continue;
      }
    }
    if (op === 'Gemm') {
      const w = float2d(inputs[1]);
      const attr = Object.fromEntries((node.attribute ?? []).map((a) => [a.name, a]));
      const alpha = attr.alpha?.f ?? 1;
      const beta = attr.beta?.f ?? 1;
      if (
        w &&
        !Number(attr.transA?.i ?? 0) &&
        alpha === 1 &&
        beta === 1 &&
        Number(w.dims![0]) * Number(w.dims![1]) >= minWeight
      ) {
        const transB = Number(attr.transB?.i ?? 0) === 1;
        const [r, c] = [Number(w.dims![0]), Number(w.dims![1])];
        const data = transB ? transpose(floatsOf(w), r, c) : floatsOf(w);
        const [k, n] = transB ? [c, r] : [r, c];
        const product = inputs[2] ? fresh(`${output}_product`) : output;
        addMatMul(inputs[0]!, data, k, n, product, inputs[1]!);
        if (inputs[2])
          nodes.push({ opType: 'Add', name: fresh('Add'), input: [product, inputs[2]], output: [output] });
        replaced.add(inputs[1]!);
        continue;
      }
    }
    if (op === 'Gather') {
      const table = float2d(inputs[0]);
      const axis = Number((node.attribute ?? []).find((a) => a.name === 'axis')?.i ?? 0);
      if (table && axis === 0 && Number(table.dims![0]) * Number(table.dims![1]) >= minEmbedding) {
        const [rows, dim] = [Number(table.dims![0]), Number(table.dims![1])];
        const { data, scales } = quantizeRows(floatsOf(table), rows, dim);
        const tq = fresh(`${inputs[0]}_quantized`);
        added.push({ name: tq, dims: [rows, dim], dataType: INT8, rawData: new Uint8Array(data.buffer) });
        const ts = fresh(`${inputs[0]}_row_scale`);
        added.push(floatTensor(ts, [rows, 1], scales));
        const picked = fresh(`${output}_int8`);
        nodes.push({ opType: 'Gather', name: fresh('Gather'), input: [tq, inputs[1]!], output: [picked] });
        const widened = fresh(`${output}_float`);
        nodes.push({
          opType: 'Cast',
          name: fresh('Cast'),
          input: [picked],
          output: [widened],
          attribute: [intAttr('to', FLOAT)],
        });
        const rowScales = fresh(`${output}_scales`);
        nodes.push({ opType: 'Gather', name: fresh('Gather'), input: [ts, inputs[1]!], output: [rowScales] });
        nodes.push({ opType: 'Mul', name: fresh('Mul'), input: [widened, rowScales], output: [output] });
        replaced.add(inputs[0]!);
        embeddings++;
        continue;
      }
    }
    nodes.push(node);
  }

  // A replaced weight another node still reads stays; otherwise only its int8 copy is kept.
  const stillRead = new Set(nodes.flatMap((n) => n.input ?? []));
  graph.initializer = [
    ...(graph.initializer ?? []).filter((t) => !replaced.has(t.name ?? '') || stillRead.has(t.name ?? '')),
    ...added,
  ];
  graph.node = nodes;
  let after = 0;
  for (const t of graph.initializer) {
    if (t.dataType === FLOAT) after += floatsOf(t).length * 4;
    else if (t.dataType === INT8) after += t.rawData?.length ?? 0;
  }
  // MatMulInteger and DynamicQuantizeLinear need opset 10 and 11.
  for (const o of model.opsetImport ?? []) {
    if ((o.domain ?? '') === '' && Number(o.version) < 11) o.version = 11;
  }
  model.producerName = `${model.producerName ?? ''}+switchboard-quantize`;
  return {
    bytes: onnx.ModelProto.encode(model).finish(),
    report: { matmuls, embeddings, weightBytesBefore: before, weightBytesAfter: after },
  };
}

/** Symmetric int8 per output column (or for the whole matrix): w ≈ q × scale. */
export function quantizeColumns(
  w: Float32Array,
  k: number,
  n: number,
  perChannel: boolean,
): { data: Int8Array; scales: Float32Array } {
  const max = new Float32Array(perChannel ? n : 1);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < n; j++) {
      const c = perChannel ? j : 0;
      max[c] = Math.max(max[c]!, Math.abs(w[i * n + j]!));
    }
  }
  const scales = max.map((m) => (m > 0 ? m / 127 : 1));
  const data = new Int8Array(k * n);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < n; j++) {
      data[i * n + j] = Math.max(
        -127,
        Math.min(127, Math.round(w[i * n + j]! / scales[perChannel ? j : 0]!)),
      );
    }
  }
  return { data, scales };
}

/** Symmetric int8 per row of an embedding table. */
function quantizeRows(w: Float32Array, rows: number, dim: number): { data: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(rows);
  const data = new Int8Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let d = 0; d < dim; d++) max = Math.max(max, Math.abs(w[r * dim + d]!));
    const scale = max > 0 ? max / 127 : 1;
    scales[r] = scale;
    for (let d = 0; d < dim; d++) data[r * dim + d] = Math.round(w[r * dim + d]! / scale);
  }
  return { data, scales };
}

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c]!;
  return out;
}

function floatsOf(t: Tensor): Float32Array {
  if (t.rawData && t.rawData.length > 0) {
    const copy = new Uint8Array(t.rawData); // aligned copy
    return new Float32Array(copy.buffer, 0, copy.length / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

function floatTensor(name: string, dims: number[], values: Float32Array): Tensor {
  return {
    name,
    dims,
    dataType: FLOAT,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

function intAttr(name: string, value: number): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}
