import { onnx } from 'onnx-proto';
import { attr, toAttributeProto, type AttributeValue } from './attributes';

/** A tensor dimension: a fixed size, or a symbolic name such as "N" or "H" (any size at run time). */
export type Dim = number | string;

/** Element types the builder can declare for graph inputs, outputs and constants. */
export type ElementType = 'float32' | 'float64' | 'int64' | 'int32';

const ELEMENT_TYPE: Record<ElementType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
};

/** The default opset: 17 keeps `axes` of ReduceMean/ReduceMax as attributes (they became inputs in 18). */
export const DEFAULT_OPSET = 17;

export interface GraphBuilderOptions {
  /** Graph name written into the model. */
  readonly name?: string;
  /** ai.onnx opset version (13 or later; default {@link DEFAULT_OPSET}). */
  readonly opset?: number;
  /** Free text stored as the model's doc string (e.g. the resolved config). */
  readonly docString?: string;
}

/** Options of Conv and ConvTranspose (ONNX attribute names; `pads` = [top, left, bottom, right] for 2-D). */
export interface ConvOptions {
  readonly strides?: readonly number[];
  readonly pads?: readonly number[];
  readonly dilations?: readonly number[];
  readonly group?: number;
  /** ConvTranspose only. */
  readonly outputPadding?: readonly number[];
}

/** Options of AveragePool / MaxPool. */
export interface PoolOptions {
  readonly kernelShape: readonly number[];
  readonly strides?: readonly number[];
  readonly pads?: readonly number[];
  /** AveragePool: whether padded zeros count in the average (PyTorch's default `count_include_pad=True` = 1). */
  readonly countIncludePad?: boolean;
}

/** Options of Resize over an NCHW tensor: give either `scales` (per-axis, length 4) or `sizes` (length 4). */
export interface ResizeOptions {
  readonly mode: 'linear' | 'nearest';
  readonly scales?: readonly number[];
  /** A constant [N, C, H, W], or the name of an int64 tensor computed in the graph. */
  readonly sizes?: readonly number[] | string;
  /**
   * Default 'half_pixel' for linear (= PyTorch `align_corners=False`) and 'asymmetric' for nearest
   * (= PyTorch's default `mode='nearest'`, with `nearestMode` 'floor').
   */
  readonly coordinateTransformationMode?: 'half_pixel' | 'align_corners' | 'asymmetric' | 'pytorch_half_pixel';
  readonly nearestMode?: 'floor' | 'round_prefer_floor' | 'round_prefer_ceil' | 'ceil';
}

/**
 * A small, explicit ONNX graph builder over the `onnx-proto` protobuf schema.
 *
 * Values are referred to by name (a string). Every method that adds a node returns the name of its
 * output, so graphs read like straight-line code:
 *
 * ```ts
 * const g = new OnnxGraphBuilder({ name: 'head' });
 * const x = g.input('x', ['N', 64, 'H', 'W']);
 * const w = g.initializer('w', weights, [32, 64, 3, 3]);
 * const y = g.relu(g.conv(x, w, undefined, { pads: [1, 1, 1, 1] }));
 * g.output(y, 'y', ['N', 32, 'H', 'W']);
 * const bytes = g.toBytes(); // feed to createSession(bytes)
 * ```
 *
 * The typed helpers cover the ops our models need; anything else goes through {@link node} with
 * attributes built by `attr.*`. Initializer data is referenced, not copied, until {@link toBytes}.
 */
export class OnnxGraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private readonly initializerIndex = new Map<string, onnx.ITensorProto>();
  private indexedInitializers = 0;
  private counter = 0;
  readonly opset: number;

  constructor(private readonly options: GraphBuilderOptions = {}) {
    this.opset = options.opset ?? DEFAULT_OPSET;
    if (this.opset < 13) throw new RangeError(`OnnxGraphBuilder: opset ${this.opset} < 13 is not supported`);
  }

  /**
   * Starts from an existing ONNX model (e.g. a backbone) to append nodes to it: its nodes, initializers
   * and inputs are kept, its outputs are dropped (declare new ones with {@link output}; any of its
   * value names can be used as inputs to new nodes). The opset is the model's, or `options.opset` when
   * higher (at least 13).
   */
  static fromModel(bytes: Uint8Array, options: GraphBuilderOptions = {}): OnnxGraphBuilder {
    const model = onnx.ModelProto.decode(bytes);
    const imported = model.opsetImport.find((o) => !o.domain)?.version;
    const opset = Math.max(13, Number(imported ?? 13), options.opset ?? 0);
    const b = new OnnxGraphBuilder({ ...options, name: options.name ?? model.graph?.name ?? 'graph', opset });
    const graph = model.graph;
    if (!graph) throw new Error('OnnxGraphBuilder.fromModel: the model has no graph');
    const nodes = graph.node ?? [];
    const inits = graph.initializer ?? [];
    const initNames = new Set(inits.map((t) => t.name ?? ''));
    b.nodes.push(...nodes);
    b.initializers.push(...inits);
    b.inputs.push(...(graph.input ?? []).filter((i) => !initNames.has(i.name ?? '')));
    for (const name of initNames) b.names.add(name);
    for (const i of graph.input ?? []) b.names.add(i.name ?? '');
    for (const n of nodes) {
      for (const o of n.output ?? []) b.names.add(o);
      if (n.name) b.names.add(n.name);
    }
    return b;
  }

  /** Names of the graph inputs declared so far (including those of a model given to {@link fromModel}). */
  inputNames(): string[] {
    return this.inputs.map((i) => i.name ?? '');
  }

  /** The nodes added so far, in order (read-only view; the training-graph autodiff walks them). */
  graphNodes(): readonly onnx.INodeProto[] {
    return this.nodes;
  }

  /** The initializer called `name` (dims, element type and raw bytes), or undefined. */
  initializerProto(name: string): onnx.ITensorProto | undefined {
    // initializers are only ever appended: index the new ones
    for (let i = this.indexedInitializers; i < this.initializers.length; i++) this.initializerIndex.set(this.initializers[i].name ?? '', this.initializers[i]);
    this.indexedInitializers = this.initializers.length;
    return this.initializerIndex.get(name);
  }

  /** The declared dims and element type of graph input `name`, or undefined when it is no input. */
  inputInfo(name: string): { dims: Dim[]; type: ElementType } | undefined {
    const info = this.inputs.find((i) => i.name === name);
    const t = info?.type?.tensorType;
    if (!t) return undefined;
    const type = (Object.keys(ELEMENT_TYPE) as ElementType[]).find((k) => ELEMENT_TYPE[k] === t.elemType) ?? 'float32';
    const dims = (t.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? 0)));
    return { dims, type };
  }

  /**
   * Turns float32 initializer `name` into a graph input of the same name and dims (training graphs
   * feed parameters, which change every step). Returns the initializer's values and dims.
   */
  promoteInitializerToInput(name: string): { data: Float32Array; dims: number[] } {
    const index = this.initializers.findIndex((t) => t.name === name);
    const t = this.initializers[index];
    if (!t || t.dataType !== onnx.TensorProto.DataType.FLOAT || !t.rawData) throw new Error(`promoteInitializerToInput: "${name}" is no float32 initializer`);
    const dims = (t.dims ?? []).map((d) => Number(d));
    const data = new Float32Array(t.rawData.slice().buffer);
    this.initializers.splice(index, 1);
    this.initializerIndex.clear();
    this.indexedInitializers = 0;
    this.inputs.push(valueInfo(name, dims, 'float32'));
    return { data, dims };
  }

  /** Names of the graph outputs declared so far. */
  outputNames(): string[] {
    return this.outputs.map((o) => o.name ?? '');
  }

  /** A fresh value name with the given prefix. */
  uniqueName(prefix: string): string {
    let name = prefix;
    while (this.names.has(name)) name = `${prefix}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  // ---- graph interface -------------------------------------------------------------------------

  /** Declares a graph input of the given dims (numbers or symbolic names). Returns its name. */
  input(name: string, dims: readonly Dim[], type: ElementType = 'float32'): string {
    if (this.names.has(name)) throw new Error(`OnnxGraphBuilder: name "${name}" already used`);
    this.names.add(name);
    this.inputs.push(valueInfo(name, dims, type));
    return name;
  }

  /**
   * Declares `value` as a graph output called `name` (an Identity node is inserted when the names
   * differ). `dims` are optional documentation for consumers; symbolic names are allowed.
   */
  output(value: string, name: string = value, dims?: readonly Dim[], type: ElementType = 'float32'): string {
    if (name !== value) {
      if (this.names.has(name)) throw new Error(`OnnxGraphBuilder: name "${name}" already used`);
      this.names.add(name);
      this.nodes.push({ opType: 'Identity', input: [value], output: [name], name: `${name}_identity` });
    }
    this.outputs.push(valueInfo(name, dims, type));
    return name;
  }

  /** Adds a float32 initializer (a weight). `data.length` must equal the product of `dims`. */
  initializer(name: string, data: Float32Array, dims: readonly number[]): string {
    checkLength(name, data.length, dims);
    const unique = this.uniqueName(name);
    this.initializers.push({
      name: unique,
      dataType: onnx.TensorProto.DataType.FLOAT,
      dims: [...dims],
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return unique;
  }

  /** Adds a float32 constant (scalar when `dims` is [] and `values` has one element). */
  constFloat(values: number | readonly number[], dims?: readonly number[], name = 'const_f'): string {
    const arr = typeof values === 'number' ? [values] : values;
    return this.initializer(name, Float32Array.from(arr), dims ?? (typeof values === 'number' ? [] : [arr.length]));
  }

  /** Adds a float64 constant (scalar when `dims` is [] and `values` has one element): the float64 graphs of gradient checks. */
  constDouble(values: number | readonly number[], dims?: readonly number[], name = 'const_d'): string {
    const arr = typeof values === 'number' ? [values] : values;
    const shape = dims ?? (typeof values === 'number' ? [] : [arr.length]);
    checkLength(name, arr.length, shape);
    const unique = this.uniqueName(name);
    const data = Float64Array.from(arr);
    this.initializers.push({ name: unique, dataType: onnx.TensorProto.DataType.DOUBLE, dims: [...shape], rawData: new Uint8Array(data.buffer) });
    return unique;
  }

  /** A float constant of the given element type (float32 or float64). */
  constOfType(type: 'float32' | 'float64', values: number | readonly number[], dims?: readonly number[]): string {
    return type === 'float64' ? this.constDouble(values, dims) : this.constFloat(values, dims);
  }

  /** Adds an int64 constant (1-D by default): shapes, axes, pads, K of TopK, ... */
  constInt64(values: readonly number[], dims: readonly number[] = [values.length], name = 'const_i'): string {
    checkLength(name, values.length, dims);
    const unique = this.uniqueName(name);
    const data = BigInt64Array.from(values.map((v) => BigInt(Math.trunc(v))));
    this.initializers.push({
      name: unique,
      dataType: onnx.TensorProto.DataType.INT64,
      dims: [...dims],
      rawData: new Uint8Array(data.buffer),
    });
    return unique;
  }

  /**
   * Adds any ONNX node. Returns its output names (`outputs` of them, default 1; or exactly
   * `outputNames`, e.g. graph output names, so that {@link output} needs no Identity copy).
   * Pass '' for an omitted optional input.
   */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    opts: { outputs?: number; name?: string; outputNames?: readonly string[] } = {},
  ): string[] {
    for (const name of opts.outputNames ?? []) {
      if (this.names.has(name)) throw new Error(`OnnxGraphBuilder: name "${name}" already used`);
      this.names.add(name);
    }
    const outputs = opts.outputNames ? [...opts.outputNames] : Array.from({ length: opts.outputs ?? 1 }, () => this.uniqueName(`${opType.toLowerCase()}_out`));
    this.nodes.push({
      opType,
      name: opts.name ?? this.uniqueName(opType),
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attributes).map(([k, v]) => toAttributeProto(k, v)),
    });
    return outputs;
  }

  /** Single-output shorthand for {@link node}. */
  op(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}): string {
    return this.node(opType, inputs, attributes)[0];
  }

  // ---- convolution and linear algebra -----------------------------------------------------------

  /** Conv: x [N, Cin, H, W], w [Cout, Cin/group, kH, kW], b [Cout] -> [N, Cout, H', W']. */
  conv(x: string, w: string, b?: string, o: ConvOptions = {}): string {
    return this.op('Conv', b ? [x, w, b] : [x, w], convAttributes(o));
  }

  /** ConvTranspose: x [N, Cin, H, W], w [Cin, Cout/group, kH, kW], b [Cout] -> [N, Cout, H', W']. */
  convTranspose(x: string, w: string, b?: string, o: ConvOptions = {}): string {
    const a = convAttributes(o);
    const attrs = o.outputPadding ? { ...a, output_padding: attr.ints(o.outputPadding) } : a;
    return this.op('ConvTranspose', b ? [x, w, b] : [x, w], attrs);
  }

  /** MatMul with numpy broadcasting: [..., M, K] x [..., K, N] -> [..., M, N]. */
  matMul(a: string, b: string): string {
    return this.op('MatMul', [a, b]);
  }

  /** Gemm: alpha * A' B' + beta * C, A [M, K], B [K, N] (transposed inputs when transA/transB). */
  gemm(a: string, b: string, c?: string, o: { alpha?: number; beta?: number; transA?: boolean; transB?: boolean } = {}): string {
    return this.op('Gemm', c ? [a, b, c] : [a, b], {
      alpha: attr.float(o.alpha ?? 1),
      beta: attr.float(o.beta ?? 1),
      transA: attr.int(o.transA ? 1 : 0),
      transB: attr.int(o.transB ? 1 : 0),
    });
  }

  // ---- element-wise ------------------------------------------------------------------------------

  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }
  div(a: string, b: string): string {
    return this.op('Div', [a, b]);
  }
  pow(a: string, exponent: string): string {
    return this.op('Pow', [a, exponent]);
  }
  /** Element-wise minimum / maximum of any number of broadcastable inputs. */
  min(...xs: string[]): string {
    return this.op('Min', xs);
  }
  max(...xs: string[]): string {
    return this.op('Max', xs);
  }
  sqrt(x: string): string {
    return this.op('Sqrt', [x]);
  }
  exp(x: string): string {
    return this.op('Exp', [x]);
  }
  log(x: string): string {
    return this.op('Log', [x]);
  }
  atan(x: string): string {
    return this.op('Atan', [x]);
  }
  abs(x: string): string {
    return this.op('Abs', [x]);
  }
  neg(x: string): string {
    return this.op('Neg', [x]);
  }
  relu(x: string): string {
    return this.op('Relu', [x]);
  }
  sigmoid(x: string): string {
    return this.op('Sigmoid', [x]);
  }
  tanh(x: string): string {
    return this.op('Tanh', [x]);
  }
  leakyRelu(x: string, alpha = 0.01): string {
    return this.op('LeakyRelu', [x], { alpha: attr.float(alpha) });
  }
  /** Clip to [min, max]; either bound may be omitted. */
  clip(x: string, min?: number, max?: number): string {
    const inputs = [x, min === undefined ? '' : this.constFloat(min, []), max === undefined ? '' : this.constFloat(max, [])];
    while (inputs[inputs.length - 1] === '') inputs.pop();
    return this.op('Clip', inputs);
  }
  identity(x: string): string {
    return this.op('Identity', [x]);
  }

  // ---- shape -------------------------------------------------------------------------------------

  concat(xs: readonly string[], axis: number): string {
    return this.op('Concat', xs, { axis: attr.int(axis) });
  }
  /** Slice along `axes` (default 0..k-1) from `starts` to `ends` (exclusive) with optional `steps`. */
  slice(x: string, starts: readonly number[], ends: readonly number[], axes?: readonly number[], steps?: readonly number[]): string {
    const inputs = [x, this.constInt64(starts), this.constInt64(ends)];
    if (axes || steps) inputs.push(this.constInt64(axes ?? starts.map((_, i) => i)));
    if (steps) inputs.push(this.constInt64(steps));
    return this.op('Slice', inputs);
  }
  transpose(x: string, perm: readonly number[]): string {
    return this.op('Transpose', [x], { perm: attr.ints(perm) });
  }
  /** Reshape to a constant shape (0 = copy that input dim, -1 = infer) or to an int64 shape tensor. */
  reshape(x: string, shape: readonly number[] | string): string {
    return this.op('Reshape', [x, typeof shape === 'string' ? shape : this.constInt64(shape)]);
  }
  flatten(x: string, axis = 1): string {
    return this.op('Flatten', [x], { axis: attr.int(axis) });
  }
  unsqueeze(x: string, axes: readonly number[]): string {
    return this.op('Unsqueeze', [x, this.constInt64(axes)]);
  }
  squeeze(x: string, axes: readonly number[]): string {
    return this.op('Squeeze', [x, this.constInt64(axes)]);
  }
  /** The int64 shape of `x` (optionally the slice [start, end)). */
  shape(x: string, start?: number, end?: number): string {
    if (this.opset < 15 && (start !== undefined || end !== undefined)) {
      // Shape's start/end attributes arrived in opset 15: slice the full shape instead
      return this.slice(this.op('Shape', [x]), [start ?? 0], [end ?? 2 ** 40], [0]);
    }
    const a: Record<string, AttributeValue> = {};
    if (start !== undefined) a.start = attr.int(start);
    if (end !== undefined) a.end = attr.int(end);
    return this.op('Shape', [x], a);
  }
  /** Gather along `axis` with an int64 index tensor (name) or constant indices. */
  gather(x: string, indices: string | readonly number[], axis = 0): string {
    const idx = typeof indices === 'string' ? indices : this.constInt64(indices);
    return this.op('Gather', [x, idx], { axis: attr.int(axis) });
  }
  /** Constant pad of an NCHW tensor: `pads` = [begin of each axis..., end of each axis...] (ONNX order). */
  pad(x: string, pads: readonly number[], mode: 'constant' | 'reflect' | 'edge' = 'constant', value = 0): string {
    const inputs = [x, this.constInt64(pads)];
    if (mode === 'constant' && value !== 0) inputs.push(this.constFloat(value, []));
    return this.op('Pad', inputs, { mode: attr.string(mode) });
  }

  // ---- reductions, pooling, selection ---------------------------------------------------------

  reduceMean(x: string, axes: readonly number[], keepDims = true): string {
    return this.reduce('ReduceMean', x, axes, keepDims);
  }
  reduceMax(x: string, axes: readonly number[], keepDims = true): string {
    return this.reduce('ReduceMax', x, axes, keepDims);
  }
  reduceMin(x: string, axes: readonly number[], keepDims = true): string {
    return this.reduce('ReduceMin', x, axes, keepDims);
  }
  /** ReduceSum takes its axes as an input from opset 13. */
  reduceSum(x: string, axes: readonly number[], keepDims = true): string {
    return this.op('ReduceSum', [x, this.constInt64(axes)], { keepdims: attr.int(keepDims ? 1 : 0) });
  }
  private reduce(opType: string, x: string, axes: readonly number[], keepDims: boolean): string {
    const keep = { keepdims: attr.int(keepDims ? 1 : 0) };
    if (this.opset >= 18) return this.op(opType, [x, this.constInt64(axes)], keep);
    return this.op(opType, [x], { ...keep, axes: attr.ints(axes) });
  }

  averagePool(x: string, o: PoolOptions): string {
    return this.op('AveragePool', [x], {
      ...poolAttributes(o),
      count_include_pad: attr.int(o.countIncludePad ? 1 : 0),
    });
  }
  maxPool(x: string, o: PoolOptions): string {
    return this.op('MaxPool', [x], poolAttributes(o));
  }
  globalAveragePool(x: string): string {
    return this.op('GlobalAveragePool', [x]);
  }
  /** TopK along `axis`: returns [values, indices (int64)]. `largest=false` selects the k smallest. */
  topK(x: string, k: number, axis = -1, largest = true): [string, string] {
    const [values, indices] = this.node('TopK', [x, this.constInt64([k])], { axis: attr.int(axis), largest: attr.int(largest ? 1 : 0), sorted: attr.int(1) }, { outputs: 2 });
    return [values, indices];
  }
  softmax(x: string, axis = -1): string {
    return this.op('Softmax', [x], { axis: attr.int(axis) });
  }

  /** Resize an NCHW tensor by `scales` or to `sizes` (see {@link ResizeOptions} for the coordinate conventions). */
  resize(x: string, o: ResizeOptions): string {
    if ((o.scales === undefined) === (o.sizes === undefined)) throw new Error('resize: give exactly one of scales or sizes');
    const a: Record<string, AttributeValue> = {
      mode: attr.string(o.mode),
      coordinate_transformation_mode: attr.string(o.coordinateTransformationMode ?? (o.mode === 'linear' ? 'half_pixel' : 'asymmetric')),
    };
    if (o.mode === 'nearest') a.nearest_mode = attr.string(o.nearestMode ?? 'floor');
    const scales = o.scales ? this.constFloat(o.scales, [o.scales.length]) : '';
    const sizes = o.sizes === undefined ? '' : typeof o.sizes === 'string' ? o.sizes : this.constInt64(o.sizes);
    return this.op('Resize', sizes ? [x, '', scales, sizes] : [x, '', scales], a);
  }

  // ---- serialisation ------------------------------------------------------------------------------

  /** The model as a protobuf message (IR version 8). */
  toModelProto(): onnx.ModelProto {
    return onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'defectlab',
      producerVersion: '0.1.0',
      docString: this.options.docString ?? '',
      opsetImport: [{ domain: '', version: this.opset }],
      graph: {
        name: this.options.name ?? 'graph',
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
  }

  /** Serialises the model to ONNX bytes (what `createSession` and `.onnx` files take). */
  toBytes(): Uint8Array {
    if (this.outputs.length === 0) throw new Error('OnnxGraphBuilder: the graph has no outputs');
    return onnx.ModelProto.encode(this.toModelProto()).finish();
  }
}

function checkLength(name: string, length: number, dims: readonly number[]): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (length !== expected) throw new RangeError(`OnnxGraphBuilder: "${name}" has ${length} values but dims [${dims.join(', ')}] need ${expected}`);
}

function valueInfo(name: string, dims: readonly Dim[] | undefined, type: ElementType): onnx.IValueInfoProto {
  const tensorType: onnx.TypeProto.ITensor = { elemType: ELEMENT_TYPE[type] };
  if (dims) tensorType.shape = { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  return { name, type: { tensorType } };
}

function convAttributes(o: ConvOptions): Record<string, AttributeValue> {
  const a: Record<string, AttributeValue> = { group: attr.int(o.group ?? 1) };
  if (o.strides) a.strides = attr.ints(o.strides);
  if (o.pads) a.pads = attr.ints(o.pads);
  if (o.dilations) a.dilations = attr.ints(o.dilations);
  return a;
}

function poolAttributes(o: PoolOptions): Record<string, AttributeValue> {
  const a: Record<string, AttributeValue> = { kernel_shape: attr.ints(o.kernelShape) };
  if (o.strides) a.strides = attr.ints(o.strides);
  if (o.pads) a.pads = attr.ints(o.pads);
  return a;
}
