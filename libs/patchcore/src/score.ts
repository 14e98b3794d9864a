import type { MemoryBank } from './memory-bank';

/**
 * PatchCore's image score with the paper's re-weighting (eq. 6-7):
 *   m_test* = the test patch with the largest nearest-neighbour distance s*,
 *   m*      = its nearest memory-bank entry,
 *   N_b(m*) = the b nearest bank entries of m* (m* itself included),
 *   s       = (1 - exp|m_test* - m*| / sum_{m in N_b(m*)} exp|m_test* - m|) * s*.
 * The weight grows when m* sits in a sparse region of the bank (its neighbours are far from m_test*).
 *
 * @param patchFeature m_test*, length D.
 * @param sStar its nearest-neighbour distance.
 * @param support bank row indices of N_b(m*), nearest first (support[0] = m*).
 */
export function reweightedImageScore(patchFeature: Float32Array, sStar: number, bank: MemoryBank, support: ArrayLike<number>): number {
  if (support.length <= 1) return sStar;
  const d = Array.from({ length: support.length }, (_, t) => {
    const off = support[t] * bank.dim;
    let s = 0;
    for (let j = 0; j < bank.dim; j++) s += (patchFeature[j] - bank.data[off + j]) ** 2;
    return Math.sqrt(s);
  });
  const max = Math.max(...d);
  const exps = d.map((v) => Math.exp(v - max)); // stabilised softmax
  const total = exps.reduce((a, b) => a + b, 0);
  return (1 - exps[0] / total) * sStar;
}

/** Index and value of the largest entry of `scores[offset .. offset + count)`. */
export function argMax(scores: Float32Array, offset: number, count: number): { index: number; value: number } {
  let index = 0;
  let value = -Infinity;
  for (let i = 0; i < count; i++) {
    if (scores[offset + i] > value) {
      value = scores[offset + i];
      index = i;
    }
  }
  return { index, value };
}
