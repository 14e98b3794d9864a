import { attr } from '../../onnx';
import { attrInts, attrNumber, attrString, constantValues, describeNode, normAxis, product } from '../graph-values';
import type { GradientContext, GradientRule } from '../gradient-context';
import { reduceAxes, sliceRanges, splitSizes } from '../shape-inference';

/** Gradient rules of the shape ops (data movement: the adjoint moves the gradient back) and reductions. */

const reshapeBack: GradientRule = (ctx, node, [dy], needs) => {
  const x = node.input?.[0] ?? '';
  return [dy && needs[0] ? ctx.g.reshape(dy, ctx.shape(x)) : undefined];
};

const concat: GradientRule = (ctx, node, [dy], needs) => {
  const ins = node.input ?? [];
  if (!dy) return ins.map(() => undefined);
  const rank = ctx.shape(ins[0]).length;
  const axis = normAxis(attrNumber(node, 'axis', 0), rank);
  let offset = 0;
  return ins.map((x, i) => {
    const size = ctx.shape(x)[axis];
    const start = offset;
    offset += size;
    return needs[i] ? ctx.g.slice(dy, [start], [start + size], [axis]) : undefined;
  });
};

const split: GradientRule = (ctx, node, dys, needs) => {
  const x = node.input?.[0] ?? '';
  if (!needs[0] || dys.every((d) => !d)) return [undefined];
  const xs = ctx.shape(x);
  const axis = normAxis(attrNumber(node, 'axis', 0), xs.length);
  const sizes = splitSizes(ctx.g, node, xs[axis]);
  const parts = sizes.map((n, i) => {
    const d = dys[i];
    if (d) return d;
    const s = [...xs];
    s[axis] = n;
    return ctx.zeros(s);
  });
  return [ctx.g.concat(parts, axis)];
};

const slice: GradientRule = (ctx, node, [dy], needs) => {
  const ins = node.input ?? [];
  if (!dy || !needs[0]) return [undefined];
  const xs = ctx.shape(ins[0]);
  const c = (i: number) => (ins[i] ? constantValues(ctx.g, ins[i]) : undefined);
  const starts = c(1);
  const ends = c(2);
  if (!starts || !ends) throw new Error(`training graph: ${describeNode(node)}: Slice with computed starts/ends has no gradient rule`);
  const ranges = sliceRanges(xs, starts, ends, c(3), c(4));
  if (ranges.some((r) => r.step !== 1)) throw new Error(`training graph: ${describeNode(node)}: Slice with steps other than 1 has no gradient rule`);
  const pads = [...ranges.map((r) => r.start), ...ranges.map((r, i) => xs[i] - r.start - r.count)];
  return [pads.every((p) => p === 0) ? dy : ctx.g.pad(dy, pads)];
};

const pad: GradientRule = (ctx, node, [dy], needs) => {
  const ins = node.input ?? [];
  if (!dy || !needs[0]) return [undefined];
  if (attrString(node, 'mode', 'constant') !== 'constant') throw new Error(`training graph: ${describeNode(node)}: only constant Pad has a gradient rule`);
  const pads = constantValues(ctx.g, ins[1]);
  if (!pads || pads.some((p) => p < 0)) throw new Error(`training graph: ${describeNode(node)}: Pad needs constant non-negative pads for its gradient`);
  const xs = ctx.shape(ins[0]);
  return [ctx.g.slice(dy, pads.slice(0, xs.length), xs.map((d, i) => pads[i] + d), xs.map((_, i) => i))];
};

const transpose: GradientRule = (ctx, node, [dy], needs) => {
  const x = node.input?.[0] ?? '';
  if (!dy || !needs[0]) return [undefined];
  const rank = ctx.shape(x).length;
  const perm = attrInts(node, 'perm', Array.from({ length: rank }, (_, i) => rank - 1 - i));
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => (inverse[p] = i));
  return [ctx.g.transpose(dy, inverse)];
};

const expand: GradientRule = (ctx, node, [dy], needs) => {
  const x = node.input?.[0] ?? '';
  return [dy && needs[0] ? ctx.sumToShape(dy, ctx.shape(node.output?.[0] ?? ''), ctx.shape(x)) : undefined];
};

/**
 * Gather with constant 1-D indices along `axis`: a permutation's adjoint is the Gather by the inverse
 * permutation; any other index list scatters through a one-hot matrix (repeated indices add up).
 */
const gather: GradientRule = (ctx, node, [dy], needs) => {
  const [x, indices] = node.input ?? [];
  if (!dy || !needs[0]) return [undefined];
  const idxValues = constantValues(ctx.g, indices);
  const idxShape = ctx.shape(indices);
  if (!idxValues || idxShape.length !== 1) throw new Error(`training graph: ${describeNode(node)}: Gather needs constant 1-D indices for its gradient`);
  const xs = ctx.shape(x);
  const axis = normAxis(attrNumber(node, 'axis', 0), xs.length);
  const dim = xs[axis];
  const idx = idxValues.map((i) => (i < 0 ? i + dim : i));
  const isPermutation = idx.length === dim && new Set(idx).size === dim;
  if (isPermutation) {
    const inverse = new Array<number>(dim);
    idx.forEach((p, i) => (inverse[p] = i));
    return [ctx.g.gather(dy, inverse, axis)];
  }
  const oneHot = new Array<number>(idx.length * dim).fill(0);
  idx.forEach((p, i) => (oneHot[i * dim + p] += 1));
  const rank = xs.length;
  const toLast = [...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis), axis];
  const back = new Array<number>(rank);
  toLast.forEach((p, i) => (back[p] = i));
  const moved = ctx.g.matMul(ctx.g.transpose(dy, toLast), ctx.constant(oneHot, [idx.length, dim]));
  return [ctx.g.transpose(moved, back)];
};

/**
 * TopK values: the gradient goes back to the selected entries (ScatterElements of dy at the indices
 * into zeros; the indices within a row are distinct, so no accumulation is needed).
 */
const topK: GradientRule = (ctx, node, [dValues], needs) => {
  const x = node.input?.[0] ?? '';
  const indices = node.output?.[1] ?? '';
  if (!dValues || !needs[0]) return [undefined, undefined];
  const xs = ctx.shape(x);
  const axis = normAxis(attrNumber(node, 'axis', -1), xs.length);
  return [ctx.g.op('ScatterElements', [ctx.zeros(xs), indices, dValues], { axis: attr.int(axis) }), undefined];
};

const reduceSumOrMean =
  (mean: boolean): GradientRule =>
  (ctx, node, [dy], needs) => {
    const x = node.input?.[0] ?? '';
    if (!dy || !needs[0]) return [undefined];
    const xs = ctx.shape(x);
    const axes = reduceAxes(ctx.g, node, xs.length);
    const kept = xs.map((d, i) => (axes.includes(i) ? 1 : d));
    const shaped = attrNumber(node, 'keepdims', 1) === 1 ? dy : ctx.g.reshape(dy, kept);
    const count = product(axes.map((a) => xs[a]));
    return [ctx.g.op('Expand', [mean ? ctx.scale(shaped, 1 / count) : shaped, ctx.g.constInt64(xs)])];
  };

export const shapeRules: Record<string, GradientRule> = {
  Reshape: reshapeBack,
  Flatten: reshapeBack,
  Squeeze: reshapeBack,
  Unsqueeze: reshapeBack,
  Concat: concat,
  Split: split,
  Slice: slice,
  Pad: pad,
  Transpose: transpose,
  Expand: expand,
  Gather: gather,
  TopK: topK,
  ReduceSum: reduceSumOrMean(false),
  ReduceMean: reduceSumOrMean(true),
};

export type { GradientContext };
