import type { OnnxGraphBuilder } from '../onnx';
import { attrInts, attrNumber, constantValues, describeNode, initializerDims, normAxis, product, type GraphNode } from './graph-values';

/** Static shapes of every value of a graph, by name. */
export type ShapeMap = Map<string, number[]>;

/**
 * Infers the static shape of every value of the builder's graph. Training graphs have fixed shapes
 * (batch and image size are part of the preset), which the gradient rules (broadcast reduction,
 * Slice/Concat adjoints, Resize matrices) and the FLOP count need. Symbolic input dims must be
 * given in `dims` (name -> number).
 */
export function inferShapes(g: OnnxGraphBuilder, dims: Readonly<Record<string, number>> = {}): ShapeMap {
  const shapes: ShapeMap = new Map();
  for (const name of g.inputNames()) {
    const info = g.inputInfo(name);
    if (!info) continue;
    shapes.set(
      name,
      info.dims.map((d) => {
        if (typeof d === 'number') return d;
        const v = dims[d];
        if (v === undefined) throw new Error(`inferShapes: input "${name}" has symbolic dim "${d}"; give its size`);
        return v;
      }),
    );
  }
  for (const node of g.graphNodes()) inferNode(g, node, shapes);
  return shapes;
}

/** Infers the output shapes of one node into `shapes` (its inputs must be known). */
export function inferNode(g: OnnxGraphBuilder, node: GraphNode, shapes: ShapeMap): void {
  const ins = node.input ?? [];
  const outs = node.output ?? [];
  const shapeOf = (name: string): number[] => {
    const s = shapes.get(name) ?? initializerDims(g, name);
    if (!s) throw new Error(`inferShapes: unknown shape of "${name}" (input of ${describeNode(node)})`);
    return s;
  };
  const set = (i: number, s: number[]): void => {
    shapes.set(outs[i], s);
  };
  const constOf = (name: string): number[] => {
    const v = constantValues(g, name);
    if (!v) throw new Error(`inferShapes: ${describeNode(node)} needs "${name}" to be a constant`);
    return v;
  };
  const op = node.opType ?? '';
  switch (op) {
    case 'Identity': case 'Relu': case 'LeakyRelu': case 'Sigmoid': case 'Tanh': case 'Atan': case 'Exp': case 'Log':
    case 'Sqrt': case 'Neg': case 'Abs': case 'Sign': case 'Cast': case 'Softmax': case 'Clip': case 'Erf': case 'Reciprocal':
    case 'Not': case 'Floor': case 'Ceil': case 'Round': case 'ScatterElements': case 'ScatterND':
      return set(0, shapeOf(ins[0]));
    case 'GatherElements':
      return set(0, shapeOf(ins[1]));
    case 'Add': case 'Sub': case 'Mul': case 'Div': case 'Pow': case 'Min': case 'Max': case 'Sum': case 'Where':
    case 'Greater': case 'Less': case 'Equal': case 'GreaterOrEqual': case 'LessOrEqual': case 'And': case 'Or':
      return set(0, ins.filter(Boolean).map(shapeOf).reduce(broadcastShapes));
    case 'Conv': case 'AveragePool': case 'MaxPool': {
      const x = shapeOf(ins[0]);
      const spatial = x.length - 2;
      const kernel = op === 'Conv' ? shapeOf(ins[1]).slice(2) : attrInts(node, 'kernel_shape', []);
      const strides = attrInts(node, 'strides', new Array(spatial).fill(1));
      const dil = attrInts(node, 'dilations', new Array(spatial).fill(1));
      const pads = explicitPads(node, spatial);
      const out = x.slice(2).map((d, i) => Math.floor((d + pads[i] + pads[i + spatial] - dil[i] * (kernel[i] - 1) - 1) / strides[i]) + 1);
      set(0, [x[0], op === 'Conv' ? shapeOf(ins[1])[0] : x[1], ...out]);
      if (outs[1]) set(1, [x[0], x[1], ...out]);
      return;
    }
    case 'ConvTranspose': {
      const x = shapeOf(ins[0]);
      const w = shapeOf(ins[1]);
      const spatial = x.length - 2;
      const strides = attrInts(node, 'strides', new Array(spatial).fill(1));
      const dil = attrInts(node, 'dilations', new Array(spatial).fill(1));
      const outPad = attrInts(node, 'output_padding', new Array(spatial).fill(0));
      const pads = explicitPads(node, spatial);
      const group = attrNumber(node, 'group', 1);
      const out = x.slice(2).map((d, i) => strides[i] * (d - 1) + outPad[i] + dil[i] * (w[2 + i] - 1) + 1 - pads[i] - pads[i + spatial]);
      return set(0, [x[0], w[1] * group, ...out]);
    }
    case 'GlobalAveragePool': case 'GlobalMaxPool': {
      const x = shapeOf(ins[0]);
      return set(0, [x[0], x[1], ...x.slice(2).map(() => 1)]);
    }
    case 'MatMul': {
      const a = shapeOf(ins[0]);
      const b = shapeOf(ins[1]);
      if (a.length < 2 || b.length < 2) throw new Error(`inferShapes: ${describeNode(node)}: MatMul of rank < 2 is not supported`);
      const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2));
      return set(0, [...batch, a[a.length - 2], b[b.length - 1]]);
    }
    case 'Gemm': {
      const a = shapeOf(ins[0]);
      const b = shapeOf(ins[1]);
      const m = attrNumber(node, 'transA', 0) ? a[1] : a[0];
      const n = attrNumber(node, 'transB', 0) ? b[0] : b[1];
      return set(0, [m, n]);
    }
    case 'Concat': {
      const xs = ins.map(shapeOf);
      const axis = normAxis(attrNumber(node, 'axis', 0), xs[0].length);
      const out = [...xs[0]];
      out[axis] = xs.reduce((n, s) => n + s[axis], 0);
      return set(0, out);
    }
    case 'Split': {
      const x = shapeOf(ins[0]);
      const axis = normAxis(attrNumber(node, 'axis', 0), x.length);
      const sizes = splitSizes(g, node, x[axis]);
      sizes.forEach((n, i) => {
        const s = [...x];
        s[axis] = n;
        set(i, s);
      });
      return;
    }
    case 'Slice': {
      const x = shapeOf(ins[0]);
      const r = sliceRanges(x, constOf(ins[1]), constOf(ins[2]), ins[3] ? constOf(ins[3]) : undefined, ins[4] ? constOf(ins[4]) : undefined);
      return set(0, r.map((q) => q.count));
    }
    case 'Reshape': {
      const x = shapeOf(ins[0]);
      const target = constOf(ins[1]);
      const out = target.map((d, i) => (d === 0 && !attrNumber(node, 'allowzero', 0) ? x[i] : d));
      const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      return set(0, out.map((d) => (d === -1 ? product(x) / known : d)));
    }
    case 'Flatten': {
      const x = shapeOf(ins[0]);
      const axis = normAxis(attrNumber(node, 'axis', 1), x.length);
      return set(0, [product(x.slice(0, axis)), product(x.slice(axis))]);
    }
    case 'Unsqueeze': {
      const x = shapeOf(ins[0]);
      const axes = (ins[1] ? constOf(ins[1]) : attrInts(node, 'axes', [])).map((a) => normAxis(a, x.length + (ins[1] ? constOf(ins[1]).length : 0)));
      const out = [...x];
      for (const a of [...axes].sort((p, q) => p - q)) out.splice(a, 0, 1);
      return set(0, out);
    }
    case 'Squeeze': {
      const x = shapeOf(ins[0]);
      const axes = ins[1] ? constOf(ins[1]).map((a) => normAxis(a, x.length)) : x.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
      return set(0, x.filter((_, i) => !axes.includes(i)));
    }
    case 'Transpose': {
      const x = shapeOf(ins[0]);
      const perm = attrInts(node, 'perm', x.map((_, i) => x.length - 1 - i));
      return set(0, perm.map((p) => x[p]));
    }
    case 'Gather': {
      const x = shapeOf(ins[0]);
      const idx = shapeOf(ins[1]);
      const axis = normAxis(attrNumber(node, 'axis', 0), x.length);
      return set(0, [...x.slice(0, axis), ...idx, ...x.slice(axis + 1)]);
    }
    case 'Expand': {
      return set(0, broadcastShapes(shapeOf(ins[0]), constOf(ins[1])));
    }
    case 'Pad': {
      const x = shapeOf(ins[0]);
      const pads = constOf(ins[1]);
      return set(0, x.map((d, i) => d + pads[i] + pads[i + x.length]));
    }
    case 'Shape': {
      const x = shapeOf(ins[0]);
      const start = normAxis(attrNumber(node, 'start', 0), x.length);
      const end = node.attribute?.some((a) => a.name === 'end') ? normAxis(attrNumber(node, 'end', x.length), x.length) : x.length;
      return set(0, [Math.max(0, Math.min(end, x.length) - start)]);
    }
    case 'ReduceMean': case 'ReduceSum': case 'ReduceMax': case 'ReduceMin': case 'ReduceSumSquare': case 'ReduceL2': {
      const x = shapeOf(ins[0]);
      const axes = reduceAxes(g, node, x.length);
      const keep = attrNumber(node, 'keepdims', 1) === 1;
      return set(0, keep ? x.map((d, i) => (axes.includes(i) ? 1 : d)) : x.filter((_, i) => !axes.includes(i)));
    }
    case 'Resize': {
      const x = shapeOf(ins[0]);
      if (ins[3]) return set(0, constOf(ins[3]));
      const scales = constOf(ins[2]);
      return set(0, x.map((d, i) => Math.floor(d * scales[i])));
    }
    case 'TopK': {
      const x = shapeOf(ins[0]);
      const axis = normAxis(attrNumber(node, 'axis', -1), x.length);
      const s = [...x];
      s[axis] = constOf(ins[1])[0];
      set(0, s);
      set(1, s);
      return;
    }
    default:
      throw new Error(`inferShapes: no shape rule for ${describeNode(node)}`);
  }
}

/** Numpy broadcasting of two shapes (throws when incompatible). */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`broadcastShapes: [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Explicit pads [begin..., end...] of a Conv/Pool/ConvTranspose node (auto_pad other than NOTSET is refused). */
export function explicitPads(node: GraphNode, spatial: number): number[] {
  const autoPad = node.attribute?.find((a) => a.name === 'auto_pad');
  if (autoPad?.s && new TextDecoder().decode(autoPad.s) !== 'NOTSET') {
    throw new Error(`${describeNode(node)}: auto_pad is not supported by the training graph; give explicit pads`);
  }
  return attrInts(node, 'pads', new Array(2 * spatial).fill(0));
}

/** The sizes of a Split node's outputs along its axis. */
export function splitSizes(g: OnnxGraphBuilder, node: GraphNode, dim: number): number[] {
  const ins = node.input ?? [];
  const given = ins[1] ? constantValues(g, ins[1]) : attrInts(node, 'split');
  if (given) return given;
  const n = (node.output ?? []).length;
  const each = Math.ceil(dim / n);
  return Array.from({ length: n }, (_, i) => Math.min(each, dim - each * i));
}

/** The axes a Reduce* node reduces over (normalised; all axes when none are given). */
export function reduceAxes(g: OnnxGraphBuilder, node: GraphNode, rank: number): number[] {
  const ins = node.input ?? [];
  const given = ins[1] ? constantValues(g, ins[1]) : attrInts(node, 'axes');
  if (!given || given.length === 0) return Array.from({ length: rank }, (_, i) => i);
  return given.map((a) => normAxis(a, rank));
}

/** One axis of a Slice: first index, step and element count. */
export interface SliceRange {
  readonly start: number;
  readonly step: number;
  readonly count: number;
}

/** Resolves a Slice's starts/ends/axes/steps against a shape (ONNX clamping rules). */
export function sliceRanges(x: readonly number[], starts: number[], ends: number[], axes?: number[], steps?: number[]): SliceRange[] {
  const out: SliceRange[] = x.map((d) => ({ start: 0, step: 1, count: d }));
  const ax = (axes ?? starts.map((_, i) => i)).map((a) => normAxis(a, x.length));
  ax.forEach((a, i) => {
    const d = x[a];
    const step = steps?.[i] ?? 1;
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    let s = starts[i] < 0 ? starts[i] + d : starts[i];
    let e = ends[i] < 0 ? ends[i] + d : ends[i];
    if (step > 0) {
      s = clamp(s, 0, d);
      e = clamp(e, 0, d);
    } else {
      s = clamp(s, 0, d - 1);
      e = clamp(e, -1, d - 1);
    }
    const count = Math.max(0, Math.ceil((e - s) / step));
    out[a] = { start: s, step, count };
  });
  return out;
}
