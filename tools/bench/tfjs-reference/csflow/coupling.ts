/**
 * One CS-Flow block: a fixed channel permutation, then an affine coupling applied to all three
 * scales at once (the parallel Glow coupling of the reference code). Tensors are NHWC.
 *
 * With x permuted and split into x1 (first c1 = floor(C/2) channels) and x2 (the rest):
 *   [sA, tA] = subnetA(x2),  y1 = x1 * exp(sc(sA)) + tA
 *   [sB, tB] = subnetB(y1),  y2 = x2 * exp(sc(sB)) + tB
 * where sc is the soft clamp. log|det J| = sum over scales, pixels and channels of sc(sA) + sc(sB).
 */
import type * as tfType from '@tensorflow/tfjs';
import { crossConv, type CrossConvParams } from './cross-conv';
import { softClamp } from './soft-clamp';

type Tf = typeof tfType;

export interface CouplingParams {
  /** Channel permutation applied first (output channel j = input channel perm[j]). */
  readonly perm: Int32Array;
  /** Acts on x2 (c2 channels), outputs 2 * c1 channels: log-scale then shift. */
  readonly subnetA: CrossConvParams;
  /** Acts on y1 (c1 channels), outputs 2 * c2 channels. */
  readonly subnetB: CrossConvParams;
}

export interface CouplingOptions {
  readonly clamp: number;
  readonly leakySlope: number;
}

function invert(perm: Int32Array): Int32Array {
  const inv = new Int32Array(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/**
 * Gathers channels (last axis) by a fixed permutation; its gradient is the gather by the inverse
 * permutation (tfjs's generic gather gradient needs UnsortedSegmentSum, which the wasm backend lacks).
 */
export function permuteChannels(tf: Tf, x: tfType.Tensor4D, perm: Int32Array): tfType.Tensor4D {
  const fwd = (t: tfType.Tensor, p: Int32Array): tfType.Tensor => tf.gather(t, tf.tensor1d(p, 'int32'), 3);
  const f = tf.customGrad(((input: tfType.Tensor) => ({
    value: fwd(input, perm),
    gradFunc: (dy: tfType.Tensor) => fwd(dy, invert(perm)),
  })) as unknown as Parameters<Tf["customGrad"]>[0]);
  return f(x) as tfType.Tensor4D;
}

function sumPerSample(tf: Tf, t: tfType.Tensor4D): tfType.Tensor1D {
  return tf.sum(t, [1, 2, 3]) as tfType.Tensor1D;
}

/**
 * Forward pass of one block.
 * @param xs three NHWC tensors with C channels at sides S, S/2, S/4
 * @returns the transformed tensors (same shapes) and log|det J| per sample [N]
 */
export function couplingForward(
  tf: Tf,
  p: CouplingParams,
  xs: readonly tfType.Tensor4D[],
  opts: CouplingOptions,
): { ys: tfType.Tensor4D[]; logDet: tfType.Tensor1D } {
  const c = xs[0].shape[3];
  const c1 = Math.floor(c / 2);
  const c2 = c - c1;
  const perm = xs.map((x) => permuteChannels(tf, x, p.perm));
  const x1 = perm.map((x) => tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, c1]) as tfType.Tensor4D);
  const x2 = perm.map((x) => tf.slice(x, [0, 0, 0, c1], [-1, -1, -1, c2]) as tfType.Tensor4D);
  const ra = crossConv(tf, p.subnetA, x2, opts.leakySlope);
  const terms: tfType.Tensor1D[] = [];
  const y1 = x1.map((x, i) => {
    const s = softClamp(tf, tf.slice(ra[i], [0, 0, 0, 0], [-1, -1, -1, c1]), opts.clamp) as tfType.Tensor4D;
    const t = tf.slice(ra[i], [0, 0, 0, c1], [-1, -1, -1, c1]);
    terms.push(sumPerSample(tf, s));
    return tf.add(tf.mul(x, tf.exp(s)), t) as tfType.Tensor4D;
  });
  const rb = crossConv(tf, p.subnetB, y1, opts.leakySlope);
  const y2 = x2.map((x, i) => {
    const s = softClamp(tf, tf.slice(rb[i], [0, 0, 0, 0], [-1, -1, -1, c2]), opts.clamp) as tfType.Tensor4D;
    const t = tf.slice(rb[i], [0, 0, 0, c2], [-1, -1, -1, c2]);
    terms.push(sumPerSample(tf, s));
    return tf.add(tf.mul(x, tf.exp(s)), t) as tfType.Tensor4D;
  });
  const ys = y1.map((a, i) => tf.concat([a, y2[i]], 3) as tfType.Tensor4D);
  return { ys, logDet: tf.addN(terms) as tfType.Tensor1D };
}

/**
 * Exact inverse of `couplingForward` (used by tests and for sampling).
 * @param ys three NHWC tensors as returned by `couplingForward`
 */
export function couplingInverse(tf: Tf, p: CouplingParams, ys: readonly tfType.Tensor4D[], opts: CouplingOptions): tfType.Tensor4D[] {
  const c = ys[0].shape[3];
  const c1 = Math.floor(c / 2);
  const c2 = c - c1;
  const y1 = ys.map((y) => tf.slice(y, [0, 0, 0, 0], [-1, -1, -1, c1]) as tfType.Tensor4D);
  const y2 = ys.map((y) => tf.slice(y, [0, 0, 0, c1], [-1, -1, -1, c2]) as tfType.Tensor4D);
  const rb = crossConv(tf, p.subnetB, y1, opts.leakySlope);
  const x2 = y2.map((y, i) => {
    const s = softClamp(tf, tf.slice(rb[i], [0, 0, 0, 0], [-1, -1, -1, c2]), opts.clamp);
    const t = tf.slice(rb[i], [0, 0, 0, c2], [-1, -1, -1, c2]);
    return tf.mul(tf.sub(y, t), tf.exp(tf.neg(s))) as tfType.Tensor4D;
  });
  const ra = crossConv(tf, p.subnetA, x2, opts.leakySlope);
  const x1 = y1.map((y, i) => {
    const s = softClamp(tf, tf.slice(ra[i], [0, 0, 0, 0], [-1, -1, -1, c1]), opts.clamp);
    const t = tf.slice(ra[i], [0, 0, 0, c1], [-1, -1, -1, c1]);
    return tf.mul(tf.sub(y, t), tf.exp(tf.neg(s))) as tfType.Tensor4D;
  });
  const inv = invert(p.perm);
  return x1.map((a, i) => {
    const joined = tf.concat([a, x2[i]], 3) as tfType.Tensor4D;
    return tf.gather(joined, tf.tensor1d(inv, 'int32'), 3) as tfType.Tensor4D;
  });
}
