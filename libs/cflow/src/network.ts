/**
 * CFlow-AD's decoders declared once as ONNX ops, for training (fibers [M, C] with conditions [M, P]) and
 * inference (maps as [N, h*w, C] with the positional encoding expanded over N).
 *
 * One decoder per stage (reference `cflow_head`: FrEIA SequenceINN of `couplingBlocks` AllInOneBlocks with
 * cond = the positional encoding, affine_clamping 1.9, global_affine_type SOFTPLUS, permute_soft = True):
 *   x1, x2 = split(x) (x1: C - C//2); a = 0.1 * subnet([x1, cond]); s = clamp * tanh(a[:C//2]);
 *   x2' = x2 * exp(s) + a[C//2:]; y = (concat(x1, x2') * scale + offset) @ Q^T, Q a fixed random rotation;
 * subnet = Linear(d, r d) -> ReLU -> Linear(r d, 2 (C//2)), d = C - C//2 + P (reference r = 2).
 * log|det J| = sum(s) + sum(log(scale)) (the rotation has |det| = 1).
 */
import { createRng, type Rng } from '@defectlab/datasets';
import type { OnnxGraphBuilder } from '@defectlab/ml-core';

export interface CflowShape {
  /** Channels of each stage. */
  readonly channels: readonly number[];
  readonly conditionDim: number;
  readonly couplingBlocks: number;
  readonly hiddenRatio: number;
  readonly clamp: number;
}

export interface NamedTensor {
  readonly name: string;
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export interface CflowWeights {
  readonly shape: CflowShape;
  /** Trainable tensors per stage, in a fixed order (block by block). */
  readonly params: readonly (readonly NamedTensor[])[];
  /** Fixed rotations per stage and block, stored transposed ([C, C], y = x @ rotationT). */
  readonly rotations: readonly (readonly NamedTensor[])[];
}

/** log(1 / sqrt(2 pi)): the per-dimension constant of the standard normal log-density. */
export const GAUSS_CONST = -0.5 * Math.log(2 * Math.PI);
/** Raw global scale whose activation 0.2 * log(1 + exp(a / 2)) is 1 (FrEIA SOFTPLUS init). */
export const GLOBAL_SCALE_INIT = 2 * Math.log(Math.exp(5) - 1);
const COUPLING_SCALE = 0.1;

function splits(c: number): [number, number] {
  return [c - Math.floor(c / 2), Math.floor(c / 2)];
}

export function subnetWidths(shape: CflowShape, channels: number): { input: number; hidden: number; output: number } {
  const [c1, c2] = splits(channels);
  const input = c1 + shape.conditionDim;
  return { input, hidden: Math.max(1, Math.floor(shape.hiddenRatio * input)), output: 2 * c2 };
}

function uniform(rng: Rng, n: number, bound: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-bound, bound);
  return a;
}

/**
 * A Haar-random rotation (det +1), returned transposed, as FrEIA's `special_ortho_group` draws it in
 * distribution: modified Gram-Schmidt (in float64) of a Gaussian matrix, with the sign of the first row fixed to
 * make the determinant +1.
 */
export function randomRotationT(rng: Rng, n: number): Float32Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  for (let i = 0; i < n; i++) {
    const row = q.subarray(i * n, (i + 1) * n);
    // modified Gram-Schmidt in float64: orthogonal to ~1e-13 for the Gaussian matrices' condition numbers
    for (let j = 0; j < i; j++) {
      const prev = q.subarray(j * n, (j + 1) * n);
      let dot = 0;
      for (let k = 0; k < n; k++) dot += row[k] * prev[k];
      for (let k = 0; k < n; k++) row[k] -= dot * prev[k];
    }
    let norm = 0;
    for (let k = 0; k < n; k++) norm += row[k] * row[k];
    norm = Math.sqrt(norm);
    for (let k = 0; k < n; k++) row[k] /= norm;
  }
  if (determinantSign(q, n) < 0) for (let k = 0; k < n; k++) q[k] = -q[k];
  // rows of q are the rotation's rows: y_i = sum_j Q[i, j] x_j, i.e. y = x @ Q^T; Q^T[j, i] = Q[i, j]
  const t = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = q[i * n + j];
  return t;
}

function determinantSign(a: Float64Array, n: number): number {
  const m = Float64Array.from(a);
  let sign = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    if (m[p * n + c] === 0) return 0;
    if (p !== c) {
      sign = -sign;
      for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k], m[c * n + k]];
    }
    if (m[c * n + c] < 0) sign = -sign;
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c] / m[c * n + c];
      for (let k = c; k < n; k++) m[r * n + k] -= f * m[c * n + k];
    }
  }
  return sign;
}

/** Seeded initial weights (PyTorch's default Linear init, U(+-1/sqrt(fanIn)) for weights and biases). */
export function initCflowWeights(shape: CflowShape, seed: number): CflowWeights {
  const rng = createRng(seed);
  const params: NamedTensor[][] = [];
  const rotations: NamedTensor[][] = [];
  shape.channels.forEach((c, si) => {
    const { input, hidden, output } = subnetWidths(shape, c);
    const ps: NamedTensor[] = [];
    const rs: NamedTensor[] = [];
    for (let k = 0; k < shape.couplingBlocks; k++) {
      const p = `s${si}.b${k}`;
      const b1 = 1 / Math.sqrt(input);
      const b2 = 1 / Math.sqrt(hidden);
      ps.push({ name: `${p}.fc1.w`, data: uniform(rng, input * hidden, b1), dims: [input, hidden] });
      ps.push({ name: `${p}.fc1.b`, data: uniform(rng, hidden, b1), dims: [hidden] });
      ps.push({ name: `${p}.fc2.w`, data: uniform(rng, hidden * output, b2), dims: [hidden, output] });
      ps.push({ name: `${p}.fc2.b`, data: uniform(rng, output, b2), dims: [output] });
      ps.push({ name: `${p}.scale`, data: new Float32Array(c).fill(GLOBAL_SCALE_INIT), dims: [c] });
      ps.push({ name: `${p}.offset`, data: new Float32Array(c), dims: [c] });
      rs.push({ name: `${p}.rotationT`, data: randomRotationT(rng, c), dims: [c, c] });
    }
    params.push(ps);
    rotations.push(rs);
  });
  return { shape, params, rotations };
}

/** Stage `stage`'s parameters replaced by `values` (by name; e.g. a training session's). */
export function withStageParameters(weights: CflowWeights, stage: number, values: ReadonlyMap<string, Float32Array>): CflowWeights {
  const params = weights.params.map((ps, si) =>
    si !== stage
      ? ps
      : ps.map((p) => {
          const v = values.get(p.name);
          if (!v || v.length !== p.data.length) throw new Error(`cflow: parameter "${p.name}" missing or of the wrong size`);
          return { ...p, data: Float32Array.from(v) };
        }),
  );
  return { ...weights, params };
}

/** Trainable parameters (what the optimizer updates). */
export function trainableCount(weights: CflowWeights): number {
  return weights.params.flat().reduce((n, p) => n + p.data.length, 0);
}

/** Parameters of a shape, trainable and fixed (the rotations), without allocating them. */
export function parameterCountOf(shape: CflowShape): { trainable: number; fixed: number } {
  let trainable = 0;
  let fixed = 0;
  for (const c of shape.channels) {
    const { input, hidden, output } = subnetWidths(shape, c);
    trainable += shape.couplingBlocks * (input * hidden + hidden + hidden * output + output + 2 * c);
    fixed += shape.couplingBlocks * c * c;
  }
  return { trainable, fixed };
}

export interface DeclaredDecoder {
  readonly z: string;
  /** log|det J| per fiber (the input's shape without the last axis). */
  readonly logDet: string;
  readonly params: string[];
}

/**
 * Declares stage `stage`'s decoder on `x` [..., C] conditioned on `cond` [..., P] (same leading dims);
 * `rank` is the rank of both (2 for training fibers, 3 for inference maps).
 */
export function declareDecoder(g: OnnxGraphBuilder, weights: CflowWeights, stage: number, x0: string, cond: string, rank: 2 | 3): DeclaredDecoder {
  const { shape } = weights;
  const c = shape.channels[stage];
  const [c1, c2] = splits(c);
  const last = rank - 1;
  const byName = new Map([...weights.params[stage], ...weights.rotations[stage]].map((p) => [p.name, p]));
  const tensor = (name: string): string => {
    const p = byName.get(name);
    if (!p) throw new Error(`cflow: no tensor "${name}"`);
    const id = g.initializer(name, p.data, p.dims);
    if (id !== name) throw new Error(`cflow: initializer name "${name}" already used in the graph`);
    return id;
  };
  let x = x0;
  const terms: string[] = [];
  for (let k = 0; k < shape.couplingBlocks; k++) {
    const p = `s${stage}.b${k}`;
    const x1 = g.slice(x, [0], [c1], [last]);
    const x2 = g.slice(x, [c1], [c], [last]);
    const hidden = g.relu(g.add(g.matMul(g.concat([x1, cond], last), tensor(`${p}.fc1.w`)), tensor(`${p}.fc1.b`)));
    const a = g.mul(g.add(g.matMul(hidden, tensor(`${p}.fc2.w`)), tensor(`${p}.fc2.b`)), g.constFloat(COUPLING_SCALE));
    const s = g.mul(g.tanh(g.slice(a, [0], [c2], [last])), g.constFloat(shape.clamp));
    const t = g.slice(a, [c2], [2 * c2], [last]);
    const y2 = g.add(g.mul(x2, g.exp(s)), t);
    terms.push(g.reduceSum(s, [last], false));
    const scale = g.mul(g.log(g.add(g.exp(g.mul(tensor(`${p}.scale`), g.constFloat(0.5))), g.constFloat(1))), g.constFloat(0.2));
    terms.push(g.reduceSum(g.log(scale), [0], false));
    const affine = g.add(g.mul(g.concat([x1, y2], last), scale), tensor(`${p}.offset`));
    x = g.matMul(affine, tensor(`${p}.rotationT`));
  }
  return { z: x, logDet: terms.length === 1 ? terms[0] : g.op('Sum', terms), params: weights.params[stage].map((q) => q.name) };
}

/** log p(x) / C per fiber (reference `get_logp(C, z, logdet) / C`): (C * GAUSS_CONST - 0.5 ||z||^2 + log|det J|) / C. */
export function declareLogProbPerDim(g: OnnxGraphBuilder, d: DeclaredDecoder, channels: number, rank: 2 | 3): string {
  const sq = g.reduceSum(g.mul(d.z, d.z), [rank - 1], false);
  const logp = g.add(g.sub(g.constFloat(channels * GAUSS_CONST), g.mul(sq, g.constFloat(0.5))), d.logDet);
  return g.mul(logp, g.constFloat(1 / channels));
}

/**
 * The reference training loss: mean over fibers of -log sigmoid(log p / C) = softplus(-log p / C), written
 * stably as relu(u) + log(1 + exp(-|u|)) with u = -log p / C.
 */
export function declareCflowLoss(g: OnnxGraphBuilder, logProbPerDim: string): string {
  const u = g.neg(logProbPerDim);
  const softplus = g.add(g.relu(u), g.log(g.add(g.exp(g.neg(g.abs(u))), g.constFloat(1))));
  return g.reduceMean(softplus, [0], false);
}
