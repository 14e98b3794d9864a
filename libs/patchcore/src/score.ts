import type { PatchRows } from '@defectlab/backbones';
import type { MemoryBank } from './memory-bank';
import type { NearestNeighbourIndex } from './nearest-neighbours';

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

/** Patch and image scores of one batch of patch rows. */
export interface BatchScores {
  /** Nearest-bank distance of every patch, [images x gridH x gridW] row-major. */
  readonly patchScores: Float32Array;
  /** One re-weighted score per image. */
  readonly imageScores: Float32Array;
}

/**
 * Scores one batch: every patch's distance to its nearest memory-bank entry (the anomaly map before
 * upsampling), then per image the re-weighted score of its worst patch ({@link reweightedImageScore}).
 * `k` is the neighbourhood size b (1 = the reference code's plain max).
 */
export async function scorePatchRows(rows: PatchRows, bank: MemoryBank, knn: NearestNeighbourIndex, k: number): Promise<BatchScores> {
  const nn = await knn.search({ data: rows.rows, dim: rows.dim }, k);
  const perImage = rows.gridH * rows.gridW;
  const patchScores = new Float32Array(rows.images * perImage);
  for (let i = 0; i < patchScores.length; i++) patchScores[i] = nn.distances[i * nn.k];
  const imageScores = new Float32Array(rows.images);
  for (let b = 0; b < rows.images; b++) {
    const { index, value } = argMax(patchScores, b * perImage, perImage);
    const row = b * perImage + index;
    const mStar = nn.indices[row * nn.k];
    const support = await knn.search({ data: bank.data.subarray(mStar * bank.dim, (mStar + 1) * bank.dim), dim: bank.dim }, k);
    imageScores[b] = reweightedImageScore(rows.rows.subarray(row * rows.dim, (row + 1) * rows.dim), value, bank, support.indices);
  }
  return { patchScores, imageScores };
}
