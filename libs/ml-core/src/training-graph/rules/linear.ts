import { attr, type AttributeValue } from '../../onnx';
import { attrInts, attrNumber, describeNode, type GraphNode } from '../graph-values';
import type { GradientContext, GradientRule } from '../gradient-context';
import { explicitPads } from '../shape-inference';
import { convInputGradientByConv, convWeightGradientByTapGemms } from './conv-gemm';

/**
 * Gradient rules of Conv, ConvTranspose, AveragePool, GlobalAveragePool, MatMul and Gemm.
 *
 * Conv input gradient: for a 2-D, group-1, stride-1 Conv, a Conv of dy with the flipped, transposed
 * weights; otherwise ConvTranspose of dy with the same weights (output_padding restores the exact
 * input size). Conv weight gradient: for a 2-D, group-1 Conv, one Gemm per kernel tap over the whole
 * batch (conv-gemm.ts); otherwise a Conv over transposed batch/channel axes (x^T is [Cin, N, H, W],
 * dy^T the [Cout, N, Ho, Wo] "filters", stride and dilation swapped), cropped to the kernel size and
 * transposed back. On the CS-Flow seed preset's shapes the first choices take ~12 % (weights) and ~40 % (input) less CPU time
 * (libs/ml-core/bench/conv-gradients.bench.ts, figures in BENCHMARKS.md).
 */

interface ConvGeometry {
  spatial: number;
  strides: number[];
  dilations: number[];
  pads: number[];
  group: number;
}

function geometry(node: GraphNode, rank: number): ConvGeometry {
  const spatial = rank - 2;
  return {
    spatial,
    strides: attrInts(node, 'strides', new Array(spatial).fill(1)),
    dilations: attrInts(node, 'dilations', new Array(spatial).fill(1)),
    pads: explicitPads(node, spatial),
    group: attrNumber(node, 'group', 1),
  };
}

/** Swaps axes 0 and 1 of an N-D tensor. */
function swap01(ctx: GradientContext, x: string, rank: number): string {
  return ctx.g.transpose(x, [1, 0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)]);
}

/** Sum of dy over every axis but 1: the bias gradient. */
function biasGradient(ctx: GradientContext, dy: string, rank: number): string {
  return ctx.g.reduceSum(dy, [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)], false);
}

/** ConvTranspose of `dy` that produces exactly `target` spatial sizes (the adjoint of a Conv). */
function convAdjoint(ctx: GradientContext, dy: string, w: string, geo: ConvGeometry, kernel: number[], outSpatial: number[], target: number[]): string {
  const outputPadding = target.map((t, i) => t - (geo.strides[i] * (outSpatial[i] - 1) + geo.dilations[i] * (kernel[i] - 1) + 1 - geo.pads[i] - geo.pads[i + geo.spatial]));
  const attrs: Record<string, AttributeValue> = {
    strides: attr.ints(geo.strides),
    dilations: attr.ints(geo.dilations),
    pads: attr.ints(geo.pads),
    group: attr.int(geo.group),
  };
  if (outputPadding.some((p) => p !== 0)) attrs.output_padding = attr.ints(outputPadding);
  return ctx.g.op('ConvTranspose', [dy, w], attrs);
}

/**
 * Correlation of `a` [B, N, ...] with "filters" `f` [F, N, ...]: out[b, f, k] = sum_n,i a[b, n, k*d - p + i*s] f[f, n, i].
 * Used for weight gradients; cropped to `kernel`.
 */
function correlate(ctx: GradientContext, a: string, f: string, geo: ConvGeometry, kernel: number[]): string {
  const out = ctx.g.op('Conv', [a, f], {
    strides: attr.ints(geo.dilations),
    dilations: attr.ints(geo.strides),
    pads: attr.ints(geo.pads),
    group: attr.int(1),
  });
  return ctx.g.slice(out, kernel.map(() => 0), kernel, kernel.map((_, i) => i + 2));
}

const conv: GradientRule = (ctx, node, [dy], needs) => {
  const [x, w, b] = node.input ?? [];
  if (!dy) return [undefined, undefined, undefined];
  const xs = ctx.shape(x);
  const ws = ctx.shape(w);
  const ys = ctx.shape(node.output?.[0] ?? '');
  const geo = geometry(node, xs.length);
  const kernel = ws.slice(2);
  const plain2d = geo.spatial === 2 && geo.group === 1;
  let dx: string | undefined;
  if (needs[0]) {
    const flippedConvFits = plain2d && geo.strides.every((s) => s === 1) && geo.pads.every((p, i) => p <= geo.dilations[i % 2] * (kernel[i % 2] - 1));
    dx = flippedConvFits ? convInputGradientByConv(ctx.g, dy, w, kernel, geo) : convAdjoint(ctx, dy, w, geo, kernel, ys.slice(2), xs.slice(2));
  }
  let dw: string | undefined;
  if (needs[1]) {
    if (geo.group !== 1) throw new Error(`training graph: ${describeNode(node)}: weight gradient of a grouped Conv (group ${geo.group}) has no rule`);
    dw = plain2d
      ? convWeightGradientByTapGemms(ctx.g, x, dy, xs, ys, kernel, geo)
      : swap01(ctx, correlate(ctx, swap01(ctx, x, xs.length), swap01(ctx, dy, ys.length), geo, kernel), xs.length);
  }
  const db = b && needs[2] ? biasGradient(ctx, dy, ys.length) : undefined;
  return [dx, dw, db];
};

const convTranspose: GradientRule = (ctx, node, [dy], needs) => {
  const [x, w, b] = node.input ?? [];
  if (!dy) return [undefined, undefined, undefined];
  const xs = ctx.shape(x);
  const ys = ctx.shape(node.output?.[0] ?? '');
  const geo = geometry(node, xs.length);
  // the adjoint of ConvTranspose is the Conv with the same weights and geometry
  const dx = needs[0]
    ? ctx.g.op('Conv', [dy, w], { strides: attr.ints(geo.strides), dilations: attr.ints(geo.dilations), pads: attr.ints(geo.pads), group: attr.int(geo.group) })
    : undefined;
  let dw: string | undefined;
  if (needs[1]) {
    if (geo.group !== 1) throw new Error(`training graph: ${describeNode(node)}: weight gradient of a grouped ConvTranspose has no rule`);
    const kernel = ctx.shape(w).slice(2);
    // dW[ci, co, k] = sum_n,i x[n, ci, i] dy[n, co, i*s + k*d - p]: correlate dy^T with x^T, then swap
    dw = swap01(ctx, correlate(ctx, swap01(ctx, dy, ys.length), swap01(ctx, x, xs.length), geo, kernel), xs.length);
  }
  const db = b && needs[2] ? biasGradient(ctx, dy, ys.length) : undefined;
  return [dx, dw, db];
};

/** Number of unpadded input cells under each output window (AveragePool with count_include_pad = 0). */
function windowCounts(size: number, out: number, k: number, s: number, pb: number): number[] {
  return Array.from({ length: out }, (_, o) => {
    const start = o * s - pb;
    return Math.min(size, start + k) - Math.max(0, start);
  });
}

const averagePool: GradientRule = (ctx, node, [dy], needs) => {
  const x = node.input?.[0] ?? '';
  if (!dy || !needs[0]) return [undefined];
  if (attrNumber(node, 'ceil_mode', 0) !== 0) throw new Error(`training graph: ${describeNode(node)}: ceil_mode has no gradient rule`);
  const xs = ctx.shape(x);
  const ys = ctx.shape(node.output?.[0] ?? '');
  const kernel = attrInts(node, 'kernel_shape', []);
  const geo = { ...geometry(node, xs.length), group: xs[1] };
  const padded = geo.pads.some((p) => p !== 0);
  const countPad = attrNumber(node, 'count_include_pad', 0) === 1;
  const ones = new Array(xs[1] * kernel.reduce((a, b) => a * b, 1)).fill(1);
  let scaled: string;
  if (padded && !countPad) {
    if (kernel.length !== 2) throw new Error(`training graph: ${describeNode(node)}: only 2-D AveragePool without counted padding has a rule`);
    const ch = windowCounts(xs[2], ys[2], kernel[0], geo.strides[0], geo.pads[0]);
    const cw = windowCounts(xs[3], ys[3], kernel[1], geo.strides[1], geo.pads[1]);
    const inv = ch.flatMap((h) => cw.map((w) => 1 / (h * w)));
    scaled = ctx.g.mul(dy, ctx.constant(inv, [1, 1, ys[2], ys[3]]));
  } else {
    scaled = ctx.scale(dy, 1 / kernel.reduce((a, b) => a * b, 1));
  }
  const w = ctx.constant(ones, [xs[1], 1, ...kernel]);
  return [convAdjoint(ctx, scaled, w, { ...geo, dilations: kernel.map(() => 1) }, kernel, ys.slice(2), xs.slice(2))];
};

const globalAveragePool: GradientRule = (ctx, node, [dy], needs) => {
  const x = node.input?.[0] ?? '';
  if (!dy || !needs[0]) return [undefined];
  const xs = ctx.shape(x);
  const n = xs.slice(2).reduce((a, b) => a * b, 1);
  return [ctx.g.op('Expand', [ctx.scale(dy, 1 / n), ctx.g.constInt64(xs)])];
};

/** Swaps the last two axes. */
function transposeLast(ctx: GradientContext, x: string, rank: number): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return ctx.g.transpose(x, perm);
}

const matMul: GradientRule = (ctx, node, [dy], needs) => {
  const [a, b] = node.input ?? [];
  if (!dy) return [undefined, undefined];
  const as = ctx.shape(a);
  const bs = ctx.shape(b);
  const ys = ctx.shape(node.output?.[0] ?? '');
  const da = needs[0] ? ctx.sumToShape(ctx.g.matMul(dy, transposeLast(ctx, b, bs.length)), ys, as) : undefined;
  const db = needs[1] ? ctx.sumToShape(ctx.g.matMul(transposeLast(ctx, a, as.length), dy), ys, bs) : undefined;
  return [da, db];
};

const gemm: GradientRule = (ctx, node, [dy], needs) => {
  const [a, b, c] = node.input ?? [];
  if (!dy) return [undefined, undefined, undefined];
  const alpha = attrNumber(node, 'alpha', 1);
  const beta = attrNumber(node, 'beta', 1);
  const tA = attrNumber(node, 'transA', 0) === 1;
  const tB = attrNumber(node, 'transB', 0) === 1;
  // A' = tA ? A^T : A, B' likewise; dA' = alpha dY B'^T, dB' = alpha A'^T dY
  const da = needs[0]
    ? tA
      ? ctx.g.gemm(b, dy, undefined, { alpha, transA: tB, transB: true })
      : ctx.g.gemm(dy, b, undefined, { alpha, transB: !tB })
    : undefined;
  const db = needs[1]
    ? tB
      ? ctx.g.gemm(dy, a, undefined, { alpha, transA: true, transB: tA })
      : ctx.g.gemm(a, dy, undefined, { alpha, transA: !tA })
    : undefined;
  const dc = c && needs[2] ? ctx.sumToShape(ctx.scale(dy, beta), ctx.shape(node.output?.[0] ?? ''), ctx.shape(c)) : undefined;
  return [da, db, dc];
};

export const linearRules: Record<string, GradientRule> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  AveragePool: averagePool,
  GlobalAveragePool: globalAveragePool,
  MatMul: matMul,
  Gemm: gemm,
};
