/**
 * The CS-Flow network declared once as ONNX ops (NCHW): the training graph (forward + loss +
 * backward + Adam, see train.ts) and the inference graph written by export-onnx.ts are both built on
 * {@link declareFlow}, so the exported model is exactly the forward subgraph that was trained.
 *
 * Per block: a fixed channel permutation (Gather), then the parallel affine coupling on all three
 * scales: [sA, tA] = subnetA(x2), y1 = x1 * exp(sc(sA)) + tA; [sB, tB] = subnetB(y1),
 * y2 = x2 * exp(sc(sB)) + tB, with the soft clamp sc(s) = clamp * 0.636 * atan(s / clamp).
 * Each subnetwork is the cross-scale convolution: per scale conv(K) -> hidden, LeakyReLU, then
 * conv back at the same scale + conv of the bilinearly upsampled (x2, half-pixel) coarser hidden
 * map + stride-2 conv of the finer hidden map; the sums are multiplied by a learnable gamma per scale.
 */
import { createRng, randomPermutation, type Rng } from '@defectlab/datasets';
import type { OnnxGraphBuilder } from '@defectlab/ml-core';

/** The constant of the reference code's soft clamp (about 2 / pi): sc(s) = clamp * 0.636 * atan(s / clamp). */
export const SOFT_CLAMP_FACTOR = 0.636;

export interface FlowShape {
  /** Channels per scale (after any reduction). */
  readonly channels: number;
  readonly hiddenChannels: number;
  /** One kernel size per block. */
  readonly kernelSizes: readonly number[];
  readonly clamp: number;
  readonly leakySlope: number;
}

/** One convolution in ONNX layout: w [Cout, Cin, K, K], b [Cout], padding K // 2 on every side. */
export interface ConvWeights {
  readonly w: Float32Array;
  readonly b: Float32Array;
  readonly cin: number;
  readonly cout: number;
  readonly k: number;
  readonly stride: 1 | 2;
}

export interface SubnetWeights {
  /** Per scale: Cin -> hidden. */
  readonly inConv: readonly ConvWeights[];
  /** Per scale: hidden -> Cout. */
  readonly outConv: readonly ConvWeights[];
  /** [0]: scale 1 -> 0, [1]: scale 2 -> 1 (after x2 upsampling). */
  readonly upConv: readonly ConvWeights[];
  /** [0]: scale 0 -> 1, [1]: scale 1 -> 2 (stride 2). */
  readonly downConv: readonly ConvWeights[];
  /** Output scale per scale [3], initialised to 0 (the flow starts as the identity). */
  readonly gamma: Float32Array;
}

export interface BlockWeights {
  /** Output channel j = input channel perm[j]. */
  readonly perm: Int32Array;
  readonly subnetA: SubnetWeights;
  readonly subnetB: SubnetWeights;
}

export interface FlowWeights {
  readonly shape: FlowShape;
  readonly blocks: readonly BlockWeights[];
}

/** A named trainable tensor of the flow (the order is fixed: block, subnet A then B, in/out/up/down convs w then b, gamma). */
export interface NamedParameter {
  readonly name: string;
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Filter in TensorFlow's layout [K, K, Cin, Cout] -> ONNX [Cout, Cin, K, K]. */
export function toOnnxFilter(w: Float32Array, k: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let ky = 0; ky < k; ky++)
    for (let kx = 0; kx < k; kx++)
      for (let ci = 0; ci < cin; ci++)
        for (let co = 0; co < cout; co++) out[((co * cin + ci) * k + ky) * k + kx] = w[((ky * k + kx) * cin + ci) * cout + co];
  return out;
}

/**
 * PyTorch's default Conv2d init, U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weights and biases, drawn in
 * the order the former TensorFlow.js implementation drew them ([K, K, Cin, Cout]), so a seed gives the
 * same initial network as its reference copy in tools/bench/tfjs-reference (checked there).
 */
function initConv(rng: Rng, k: number, cin: number, cout: number, stride: 1 | 2): ConvWeights {
  const bound = 1 / Math.sqrt(cin * k * k);
  const w = new Float32Array(k * k * cin * cout);
  for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-bound, bound);
  const b = new Float32Array(cout);
  for (let i = 0; i < b.length; i++) b[i] = rng.uniform(-bound, bound);
  return { w: toOnnxFilter(w, k, cin, cout), b, cin, cout, k, stride };
}

function initSubnet(rng: Rng, k: number, cin: number, hidden: number, cout: number): SubnetWeights {
  const c = (i: number, o: number, s: 1 | 2 = 1): ConvWeights => initConv(rng, k, i, o, s);
  return {
    inConv: [c(cin, hidden), c(cin, hidden), c(cin, hidden)],
    outConv: [c(hidden, cout), c(hidden, cout), c(hidden, cout)],
    upConv: [c(hidden, cout), c(hidden, cout)],
    downConv: [c(hidden, cout, 2), c(hidden, cout, 2)],
    gamma: new Float32Array(3),
  };
}

/** Seeded initial weights: same seed and shape -> same network (and the same as the TF.js reference CsFlowNet). */
export function initFlowWeights(shape: FlowShape, seed: number): FlowWeights {
  const rng = createRng(seed);
  const c = shape.channels;
  const c1 = Math.floor(c / 2);
  const c2 = c - c1;
  const blocks = shape.kernelSizes.map((k) => ({
    perm: randomPermutation(rng, c),
    subnetA: initSubnet(rng, k, c2, shape.hiddenChannels, 2 * c1),
    subnetB: initSubnet(rng, k, c1, shape.hiddenChannels, 2 * c2),
  }));
  return { shape, blocks };
}

const CONV_GROUPS = ['in', 'out', 'up', 'down'] as const;

function subnetConvs(s: SubnetWeights): Array<[string, ConvWeights]> {
  const groups: Record<(typeof CONV_GROUPS)[number], readonly ConvWeights[]> = { in: s.inConv, out: s.outConv, up: s.upConv, down: s.downConv };
  return CONV_GROUPS.flatMap((grp) => groups[grp].map((cw, i): [string, ConvWeights] => [`${grp}${i}`, cw]));
}

/** Every trainable tensor in the fixed order (names are the graph's initializer names). */
export function flowParameters(weights: FlowWeights): NamedParameter[] {
  const out: NamedParameter[] = [];
  weights.blocks.forEach((blk, bi) => {
    for (const [half, s] of [['a', blk.subnetA], ['b', blk.subnetB]] as const) {
      const prefix = `b${bi}.${half}`;
      for (const [name, cw] of subnetConvs(s)) {
        out.push({ name: `${prefix}.${name}.w`, data: cw.w, dims: [cw.cout, cw.cin, cw.k, cw.k] });
        out.push({ name: `${prefix}.${name}.b`, data: cw.b, dims: [cw.cout] });
      }
      out.push({ name: `${prefix}.gamma`, data: s.gamma, dims: [3] });
    }
  });
  return out;
}

/** The same weights with the trainable tensors replaced by `values` (by name; e.g. a training session's parameters). */
export function withParameters(weights: FlowWeights, values: ReadonlyMap<string, Float32Array>): FlowWeights {
  const take = (name: string, current: Float32Array): Float32Array => {
    const v = values.get(name);
    if (!v) throw new Error(`csflow: no values for parameter "${name}"`);
    if (v.length !== current.length) throw new Error(`csflow: parameter "${name}" has ${v.length} values, the network needs ${current.length}`);
    return Float32Array.from(v);
  };
  const subnet = (s: SubnetWeights, prefix: string): SubnetWeights => {
    const conv = (list: readonly ConvWeights[], grp: string) => list.map((cw, i) => ({ ...cw, w: take(`${prefix}.${grp}${i}.w`, cw.w), b: take(`${prefix}.${grp}${i}.b`, cw.b) }));
    return { inConv: conv(s.inConv, 'in'), outConv: conv(s.outConv, 'out'), upConv: conv(s.upConv, 'up'), downConv: conv(s.downConv, 'down'), gamma: take(`${prefix}.gamma`, s.gamma) };
  };
  return {
    shape: weights.shape,
    blocks: weights.blocks.map((blk, bi) => ({ perm: blk.perm, subnetA: subnet(blk.subnetA, `b${bi}.a`), subnetB: subnet(blk.subnetB, `b${bi}.b`) })),
  };
}

export interface DeclaredFlow {
  /** Latents per scale, NCHW like the inputs. */
  readonly zs: string[];
  /** log|det J| per sample, [N]. */
  readonly logDet: string;
  /** Initializer names of the trainable tensors, in {@link flowParameters} order. */
  readonly params: string[];
}

/**
 * Declares the flow on `xs` (three NCHW values with `channels` channels at sides S, S/2, S/4):
 * weights become float32 initializers named as in {@link flowParameters}.
 */
export function declareFlow(g: OnnxGraphBuilder, weights: FlowWeights, inputs: readonly string[]): DeclaredFlow {
  const { channels: c, leakySlope, clamp } = weights.shape;
  const c1 = Math.floor(c / 2);
  const params: string[] = [];
  const param = (name: string, data: Float32Array, dims: number[]): string => {
    const id = g.initializer(name, data, dims);
    if (id !== name) throw new Error(`csflow: initializer name "${name}" already used in the graph`);
    params.push(id);
    return id;
  };
  const conv = (x: string, cw: ConvWeights, name: string): string => {
    const w = param(`${name}.w`, cw.w, [cw.cout, cw.cin, cw.k, cw.k]);
    const b = param(`${name}.b`, cw.b, [cw.cout]);
    const pad = Math.floor(cw.k / 2);
    return g.conv(x, w, b, { pads: [pad, pad, pad, pad], strides: [cw.stride, cw.stride] });
  };
  const up = (x: string): string => g.resize(x, { mode: 'linear', scales: [1, 1, 2, 2] });
  const subnet = (s: SubnetWeights, xs: readonly string[], name: string): string[] => {
    const act = xs.map((x, i) => g.leakyRelu(conv(x, s.inConv[i], `${name}.in${i}`), leakySlope));
    const out = act.map((a, i) => conv(a, s.outConv[i], `${name}.out${i}`));
    const upped = [conv(up(act[1]), s.upConv[0], `${name}.up0`), conv(up(act[2]), s.upConv[1], `${name}.up1`)];
    const down = [conv(act[0], s.downConv[0], `${name}.down0`), conv(act[1], s.downConv[1], `${name}.down1`)];
    const y = [g.add(out[0], upped[0]), g.add(g.add(out[1], upped[1]), down[0]), g.add(out[2], down[1])];
    const gamma = param(`${name}.gamma`, s.gamma, [3]);
    return y.map((v, i) => g.mul(v, g.slice(gamma, [i], [i + 1], [0])));
  };
  const logDetTerms: string[] = [];
  const affine = (x: string, r: string, half: number): string => {
    const s = g.slice(r, [0], [half], [1]);
    const t = g.slice(r, [half], [2 * half], [1]);
    const sc = g.mul(g.atan(g.mul(s, g.constFloat(1 / clamp))), g.constFloat(clamp * SOFT_CLAMP_FACTOR));
    logDetTerms.push(g.reduceSum(sc, [1, 2, 3], false));
    return g.add(g.mul(x, g.exp(sc)), t);
  };
  let xs = [...inputs];
  weights.blocks.forEach((blk, bi) => {
    const perm = xs.map((x) => g.gather(x, Array.from(blk.perm), 1));
    const x1 = perm.map((x) => g.slice(x, [0], [c1], [1]));
    const x2 = perm.map((x) => g.slice(x, [c1], [c], [1]));
    // declared in flowParameters order: all of subnet A's tensors, then subnet B's
    const ra = subnet(blk.subnetA, x2, `b${bi}.a`);
    const y1 = x1.map((x, i) => affine(x, ra[i], c1));
    const rb = subnet(blk.subnetB, y1, `b${bi}.b`);
    const y2 = x2.map((x, i) => affine(x, rb[i], c - c1));
    xs = y1.map((y, i) => g.concat([y, y2[i]], 1));
  });
  const logDet = logDetTerms.length === 1 ? logDetTerms[0] : g.op('Sum', logDetTerms);
  return { zs: xs, logDet, params: reorder(params, weights) };
}

/** Parameter names in flowParameters order (declaration order interleaves convs and gammas differently). */
function reorder(declared: string[], weights: FlowWeights): string[] {
  const order = flowParameters(weights).map((p) => p.name);
  const set = new Set(declared);
  if (order.length !== declared.length || order.some((n) => !set.has(n))) throw new Error('csflow: declared parameters differ from flowParameters');
  return order;
}

/**
 * The training loss: mean over the batch of (0.5 * ||z||^2 - log|det J|) / D, where z concatenates
 * all scales of a sample and D is its length. `dims` are the static NCHW shapes of the latents.
 */
export function declareFlowLoss(g: OnnxGraphBuilder, zs: readonly string[], logDet: string, dims: readonly (readonly number[])[]): string {
  return g.mul(g.reduceMean(declareSampleNll(g, zs, logDet), [0], false), g.constFloat(1 / latentLength(dims)));
}

/**
 * The training loss of each sample, [N]: (0.5 * ||z||^2 - log|det J|) / D (the batch mean of these is
 * {@link declareFlowLoss}); the per-epoch validation pass averages them over the good validation images.
 */
export function declareFlowSampleLosses(g: OnnxGraphBuilder, zs: readonly string[], logDet: string, dims: readonly (readonly number[])[]): string {
  return g.mul(declareSampleNll(g, zs, logDet), g.constFloat(1 / latentLength(dims)));
}

/** D: latent values per sample over all scales (C * H * W summed). */
function latentLength(dims: readonly (readonly number[])[]): number {
  return dims.reduce((n, s) => n + s[1] * s[2] * s[3], 0);
}

/** 0.5 * ||z||^2 - log|det J| per sample, [N]. */
function declareSampleNll(g: OnnxGraphBuilder, zs: readonly string[], logDet: string): string {
  const squares = zs.map((z) => g.reduceSum(g.mul(z, z), [1, 2, 3], false));
  const sq = squares.length === 1 ? squares[0] : g.op('Sum', squares);
  return g.sub(g.mul(sq, g.constFloat(0.5)), logDet);
}

/** Position scores (channel mean of 0.5 * z^2) per scale, [N, 1, Hs, Ws]: the inference outputs. */
export function declarePositionScores(g: OnnxGraphBuilder, zs: readonly string[]): string[] {
  return zs.map((z) => g.reduceMean(g.mul(g.mul(z, z), g.constFloat(0.5)), [1], true));
}

/** Parameter count of a network (weights + biases + gammas). */
export function flowWeightCount(weights: FlowWeights): number {
  return flowParameters(weights).reduce((n, p) => n + p.data.length, 0);
}
