/**
 * The FastFlow network declared once as ONNX ops (NCHW), used by the training graph (train.ts) and the
 * inference / export graphs (score.ts, export-onnx.ts), so the exported model is the forward graph that
 * was trained.
 *
 * Per backbone stage (anomalib `FastflowModel` with FrEIA `AllInOneBlock`, permute_soft = False):
 * LayerNorm over [C, h, w] with a learned elementwise affine, then `flowSteps` blocks, each
 *   x1, x2 = split(x) (x1: C - C//2 channels), a = 0.1 * subnet(x1), s = clamp * tanh(a[:C//2]),
 *   x2' = x2 * exp(s) + a[C//2:], y = concat(x1, x2') * softplus-scale + offset, then a fixed channel permutation;
 * subnet = conv(k) -> ReLU -> conv(k), k = 3 on even steps and 1 on odd ones (3 everywhere with conv3x3Only),
 * hidden = floor(hiddenRatio * (C - C//2)). log|det J| = sum(s) + h * w * sum(log(scale)).
 */
import { createRng, randomPermutation, type Rng } from '@defectlab/datasets';
import type { OnnxGraphBuilder } from '@defectlab/ml-core';
import type { StageShape } from '@defectlab/backbones';

export type { StageShape };

export interface FastflowShape {
  readonly stages: readonly StageShape[];
  readonly flowSteps: number;
  readonly hiddenRatio: number;
  readonly conv3x3Only: boolean;
  readonly clamp: number;
}

/** A named trainable tensor (the graph's initializer name). */
export interface NamedParameter {
  readonly name: string;
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export interface FastflowWeights {
  readonly shape: FastflowShape;
  /** Every trainable tensor in a fixed order (stage, norm, then step by step). */
  readonly params: readonly NamedParameter[];
  /** Per stage, per step: output channel j = input channel perm[j]. */
  readonly perms: readonly (readonly Int32Array[])[];
}

/** The global-scale activation of AllInOneBlock (SOFTPLUS): 0.1 * softplus_beta=0.5(a) = 0.2 * log(1 + exp(a / 2)). */
export function globalScale(a: number): number {
  return 0.2 * Math.log1p(Math.exp(a / 2));
}
/** Raw value whose activation is 1 (FrEIA: 2 log(exp(0.5 * 10 * init) - 1) with init 1). */
export const GLOBAL_SCALE_INIT = 2 * Math.log(Math.exp(5) - 1);
const LAYER_NORM_EPS = 1e-5;
const COUPLING_SCALE = 0.1;

export function kernelOf(step: number, conv3x3Only: boolean): number {
  return conv3x3Only || step % 2 === 0 ? 3 : 1;
}

function splits(c: number): [number, number] {
  return [c - Math.floor(c / 2), Math.floor(c / 2)];
}

export function hiddenChannels(shape: FastflowShape, channels: number): number {
  return Math.max(1, Math.floor(shape.hiddenRatio * splits(channels)[0]));
}

/** PyTorch's default Conv2d init: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weights and biases. */
function uniform(rng: Rng, n: number, bound: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-bound, bound);
  return a;
}

/** Seeded initial weights: same seed and shape, same network. */
export function initFastflowWeights(shape: FastflowShape, seed: number): FastflowWeights {
  const rng = createRng(seed);
  const params: NamedParameter[] = [];
  const perms: Int32Array[][] = [];
  shape.stages.forEach((st, si) => {
    const { channels: c, height: h, width: w } = st;
    params.push({ name: `s${si}.norm.g`, data: new Float32Array(c * h * w).fill(1), dims: [1, c, h, w] });
    params.push({ name: `s${si}.norm.b`, data: new Float32Array(c * h * w), dims: [1, c, h, w] });
    const [c1, c2] = splits(c);
    const hidden = hiddenChannels(shape, c);
    const stagePerms: Int32Array[] = [];
    for (let k = 0; k < shape.flowSteps; k++) {
      const ks = kernelOf(k, shape.conv3x3Only);
      const b1 = 1 / Math.sqrt(c1 * ks * ks);
      const b2 = 1 / Math.sqrt(hidden * ks * ks);
      params.push({ name: `s${si}.f${k}.conv1.w`, data: uniform(rng, hidden * c1 * ks * ks, b1), dims: [hidden, c1, ks, ks] });
      params.push({ name: `s${si}.f${k}.conv1.b`, data: uniform(rng, hidden, b1), dims: [hidden] });
      params.push({ name: `s${si}.f${k}.conv2.w`, data: uniform(rng, 2 * c2 * hidden * ks * ks, b2), dims: [2 * c2, hidden, ks, ks] });
      params.push({ name: `s${si}.f${k}.conv2.b`, data: uniform(rng, 2 * c2, b2), dims: [2 * c2] });
      params.push({ name: `s${si}.f${k}.scale`, data: new Float32Array(c).fill(GLOBAL_SCALE_INIT), dims: [1, c, 1, 1] });
      params.push({ name: `s${si}.f${k}.offset`, data: new Float32Array(c), dims: [1, c, 1, 1] });
      stagePerms.push(randomPermutation(rng, c));
    }
    perms.push(stagePerms);
  });
  return { shape, params, perms };
}

/** The same weights with the trainable tensors replaced by `values` (by name; e.g. a training session's parameters). */
export function withParameters(weights: FastflowWeights, values: ReadonlyMap<string, Float32Array>): FastflowWeights {
  const params = weights.params.map((p) => {
    const v = values.get(p.name);
    if (!v) throw new Error(`fastflow: no values for parameter "${p.name}"`);
    if (v.length !== p.data.length) throw new Error(`fastflow: parameter "${p.name}" has ${v.length} values, the network needs ${p.data.length}`);
    return { ...p, data: Float32Array.from(v) };
  });
  return { ...weights, params };
}

export function parameterCount(weights: FastflowWeights): number {
  return weights.params.reduce((n, p) => n + p.data.length, 0);
}

/** Parameter count of a shape without allocating it (presets, the form, the bench). */
export function parameterCountOf(shape: FastflowShape): number {
  let n = 0;
  for (const { channels: c, height: h, width: w } of shape.stages) {
    const [c1, c2] = splits(c);
    const hidden = hiddenChannels(shape, c);
    n += 2 * c * h * w;
    for (let k = 0; k < shape.flowSteps; k++) {
      const kk = kernelOf(k, shape.conv3x3Only) ** 2;
      n += hidden * c1 * kk + hidden + 2 * c2 * hidden * kk + 2 * c2 + 2 * c;
    }
  }
  return n;
}

export interface DeclaredFastflow {
  /** Latents per stage, NCHW like the inputs. */
  readonly zs: string[];
  /** log|det J| per stage, [N]. */
  readonly logDets: string[];
  /** Initializer names of the trainable tensors, in `weights.params` order. */
  readonly params: string[];
}

/** Declares the flows on `inputs` (one NCHW backbone map per stage); weights become float32 initializers. */
export function declareFastflow(g: OnnxGraphBuilder, weights: FastflowWeights, inputs: readonly string[], options: { layerNorm?: boolean } = {}): DeclaredFastflow {
  const { shape } = weights;
  if (inputs.length !== shape.stages.length) throw new Error(`fastflow: ${inputs.length} inputs for ${shape.stages.length} stages`);
  const byName = new Map(weights.params.map((p) => [p.name, p]));
  const param = (name: string): string => {
    const p = byName.get(name);
    if (!p) throw new Error(`fastflow: no parameter "${name}"`);
    const id = g.initializer(name, p.data, p.dims);
    if (id !== name) throw new Error(`fastflow: initializer name "${name}" already used in the graph`);
    return id;
  };
  const zs: string[] = [];
  const logDets: string[] = [];
  shape.stages.forEach((st, si) => {
    const c = st.channels;
    const [c1, c2] = splits(c);
    // LayerNorm([C, h, w]) with elementwise affine
    const x0 = inputs[si];
    const centred = g.sub(x0, g.reduceMean(x0, [1, 2, 3], true));
    const variance = g.reduceMean(g.mul(centred, centred), [1, 2, 3], true);
    const normed = g.div(centred, g.sqrt(g.add(variance, g.constFloat(LAYER_NORM_EPS))));
    const gamma = param(`s${si}.norm.g`);
    const beta = param(`s${si}.norm.b`);
    // layerNorm: false only in tests that check the flow's log-determinant (the norm is not part of it, as in the reference)
    let x = options.layerNorm === false ? x0 : g.add(g.mul(normed, gamma), beta);
    const terms: string[] = [];
    for (let k = 0; k < shape.flowSteps; k++) {
      const ks = kernelOf(k, shape.conv3x3Only);
      const pad = Math.floor(ks / 2);
      const pads = [pad, pad, pad, pad];
      const p = `s${si}.f${k}`;
      const x1 = g.slice(x, [0], [c1], [1]);
      const x2 = g.slice(x, [c1], [c], [1]);
      const hidden = g.relu(g.conv(x1, param(`${p}.conv1.w`), param(`${p}.conv1.b`), { pads }));
      const a = g.mul(g.conv(hidden, param(`${p}.conv2.w`), param(`${p}.conv2.b`), { pads }), g.constFloat(COUPLING_SCALE));
      const s = g.mul(g.tanh(g.slice(a, [0], [c2], [1])), g.constFloat(shape.clamp));
      const t = g.slice(a, [c2], [2 * c2], [1]);
      const y2 = g.add(g.mul(x2, g.exp(s)), t);
      terms.push(g.reduceSum(s, [1, 2, 3], false));
      const rawScale = param(`${p}.scale`);
      // 0.2 * log(1 + exp(a / 2))
      const scale = g.mul(g.log(g.add(g.exp(g.mul(rawScale, g.constFloat(0.5))), g.constFloat(1))), g.constFloat(0.2));
      terms.push(g.mul(g.reduceSum(g.log(scale), [0, 1, 2, 3], false), g.constFloat(st.height * st.width)));
      const affine = g.add(g.mul(g.concat([x1, y2], 1), scale), param(`${p}.offset`));
      x = g.gather(affine, Array.from(weights.perms[si][k]), 1);
    }
    zs.push(x);
    logDets.push(terms.length === 1 ? terms[0] : g.op('Sum', terms));
  });
  return { zs, logDets, params: weights.params.map((p) => p.name) };
}

/**
 * The training loss (anomalib `FastflowLoss`): sum over stages of the batch mean of
 * 0.5 * ||z||^2 - log|det J| (the negative log-likelihood up to a constant, per sample, in nats).
 */
export function declareFastflowLoss(g: OnnxGraphBuilder, flow: DeclaredFastflow): string {
  const perStage = flow.zs.map((z, i) => {
    const sq = g.reduceSum(g.mul(z, z), [1, 2, 3], false);
    return g.reduceMean(g.sub(g.mul(sq, g.constFloat(0.5)), flow.logDets[i]), [0], false);
  });
  return perStage.length === 1 ? perStage[0] : g.op('Sum', perStage);
}

/**
 * The anomaly map (anomalib `AnomalyMapGenerator`): per stage exp(-0.5 * channel mean of z^2), bilinearly
 * upsampled (half-pixel) to `sizes` (an int64 [4] value: N, 1, H, W), averaged over stages and negated.
 * @returns [N, 1, H, W], values in [-1, 0): higher = more anomalous
 */
export function declareAnomalyMap(g: OnnxGraphBuilder, zs: readonly string[], sizes: string): string {
  const maps = zs.map((z) => {
    const likelihood = g.exp(g.mul(g.reduceMean(g.mul(z, z), [1], true), g.constFloat(-0.5)));
    return g.resize(likelihood, { mode: 'linear', sizes });
  });
  const sum = maps.length === 1 ? maps[0] : g.op('Sum', maps);
  return g.mul(sum, g.constFloat(-1 / maps.length));
}
