/**
 * CFA's trainable part declared once as ONNX ops: the 1x1 CoordConv descriptor
 * phi = x Wf + coords Wc + b and the coupled-hypersphere soft-boundary loss (paper section 3.3,
 * eq. 3-5) against the fixed memory bank. The training graph (train.ts) differentiates it and
 * appends AdamW; validation runs the same declaration forward.
 */
import type { OnnxGraphBuilder } from '@defectlab/ml-core';

/** Hyper-parameters of the soft-boundary loss (paper section 3.3, eq. 3-5). */
export interface CfaLossParams {
  /** Nearest centres pulled inside the radius. */
  readonly K: number;
  /** Next-nearest centres (hard negatives) kept at least `alpha` outside it. */
  readonly J: number;
  readonly alpha: number;
  /** Weight of both terms: the loss is divided by nu. */
  readonly nu: number;
}

export interface DescriptorParams {
  /** Value names (initializers when trained) of Wf [C, D], Wc [2, D], b [D], r [1]. */
  readonly wf: string;
  readonly wc: string;
  readonly b: string;
  readonly r: string;
}

/**
 * Declares the loss for descriptor inputs `x` [n, C] at coordinates `coords` [n, 2]:
 *   d_k = squared distance of phi to its k-th nearest centre (k = 1..K+J, TopK smallest),
 *   L = (1/nu) (mean over n x K of max(0, d_k - r^2) + mean over n x J of max(0, r^2 - d_k - alpha)).
 * @param centres the memory bank [M, D] (constant)
 */
export function declareCfaLoss(g: OnnxGraphBuilder, x: string, coords: string, p: DescriptorParams, centres: Float32Array, dims: { n: number; d: number }, loss: CfaLossParams): string {
  const M = centres.length / dims.d;
  const kk = Math.min(loss.K + loss.J, M);
  const K = Math.min(loss.K, kk);
  const centresT = new Float32Array(dims.d * M);
  const centresSq = new Float32Array(M);
  for (let m = 0; m < M; m++)
    for (let d = 0; d < dims.d; d++) {
      const v = centres[m * dims.d + d];
      centresT[d * M + m] = v;
      centresSq[m] += v * v;
    }
  const phi = g.add(g.add(g.matMul(x, p.wf), g.matMul(coords, p.wc)), p.b); // [n, D]
  const phiSq = g.reduceSum(g.mul(phi, phi), [1], true); // [n, 1]
  const cross = g.matMul(phi, g.initializer('cfa.centresT', centresT, [dims.d, M]));
  const d2 = g.sub(g.add(phiSq, g.initializer('cfa.centresSq', centresSq, [1, M])), g.mul(cross, g.constFloat(2)));
  const [nearest] = g.topK(d2, kk, 1, false); // [n, kk] ascending
  const r2 = g.mul(p.r, p.r);
  const att = g.reduceMean(g.relu(g.sub(g.slice(nearest, [0], [K], [1]), r2)), [0, 1], false);
  let total = att;
  if (kk > K) {
    const rep = g.reduceMean(g.relu(g.sub(g.sub(r2, g.slice(nearest, [K], [kk], [1])), g.constFloat(loss.alpha))), [0, 1], false);
    total = g.add(att, rep);
  }
  return g.mul(total, g.constFloat(1 / loss.nu));
}
