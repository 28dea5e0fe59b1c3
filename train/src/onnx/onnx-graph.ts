import onnxProto from 'onnx-proto';

// onnx-proto is CommonJS; under ESM only its default export carries the values.
const { onnx } = onnxProto;

/** Element types the builders use. */
export type ElemType = 'float' | 'float16' | 'int64' | 'int32';

const DATA_TYPE: Record<ElemType, number> = {
  float: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
};

/** A dimension: a fixed size or a symbolic name such as `batch`. */
export type Dim = number | string;

/** An attribute value of a node. */
export type AttrValue = number | number[] | string | { float: number };

/**
 * A tiny builder for ONNX graphs over onnx-proto, enough for the trainer's embedding-bag model and
 * the benchmark's transformer-shaped encoder. Names are generated, so callers wire values by the
 * strings that {@link GraphBuilder.node} returns.
 */
export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private counter = 0;

  /** Declares a graph input. */
  input(name: string, type: ElemType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Declares a graph output. */
  output(name: string, type: ElemType, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** Adds a float tensor constant (weights). */
  floats(name: string, dims: readonly number[], data: Float32Array | readonly number[]): string {
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    expectSize(name, dims, values.length);
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: DATA_TYPE.float,
      rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    });
    return name;
  }

  /** Adds an int64 tensor constant (shapes, axes). */
  ints(name: string, dims: readonly number[], data: readonly number[]): string {
    expectSize(name, dims, data.length);
    const values = BigInt64Array.from(data.map((v) => BigInt(v)));
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: DATA_TYPE.int64,
      rawData: new Uint8Array(values.buffer),
    });
    return name;
  }

  /** Adds a node; returns the name of its (first) output. */
  node(
    op: string,
    inputs: readonly string[],
    attrs: Record<string, AttrValue> = {},
    output?: string,
  ): string {
    const out = output ?? `${op.toLowerCase()}_${this.counter++}`;
    this.nodes.push({
      opType: op,
      name: `${op}_${this.counter++}`,
      input: [...inputs],
      output: [out],
      attribute: Object.entries(attrs).map(([name, value]) => attribute(name, value)),
    });
    return out;
  }

  /** Serialises the graph as an ONNX model (IR 8, default opset 17). */
  toBytes(name: string, opset = 17): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'switchboard',
      producerVersion: '0.1.0',
      opsetImport: [{ domain: '', version: opset }],
      graph: {
        name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, type: ElemType, dims: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttrValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  return { name, type: T.FLOAT, f: (value as { float: number }).float };
}

function expectSize(name: string, dims: readonly number[], length: number): void {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== length)
    throw new RangeError(`tensor ${name}: dims [${dims.join(', ')}] need ${size} values, got ${length}`);
}
