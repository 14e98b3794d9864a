import { SeededRandom } from '@defectlab/ml-core';
import { coordinateBias, describe, type DescriptorWeights } from './descriptor';

/**
 * Running per-position mean of aggregated features over the training set ([P, Cin], P = h*w).
 * Because the descriptor is affine, mean(phi) = phi(mean features): the reference's memory bank
 * (the mean descriptor at each position, computed with the untrained descriptor) is
 * {@link meanDescriptors} of this mean.
 */
export class PositionMean {
  private sum: Float64Array | null = null;
  private count = 0;

  /** Adds a batch of rows [images * P, Cin]. */
  add(rows: Float32Array, images: number): void {
    const perImage = rows.length / images;
    if (!this.sum) this.sum = new Float64Array(perImage);
    if (this.sum.length !== perImage) throw new Error('PositionMean: feature size changed between batches');
    for (let b = 0; b < images; b++) {
      const off = b * perImage;
      for (let i = 0; i < perImage; i++) this.sum[i] += rows[off + i];
    }
    this.count += images;
  }

  /** The mean [P, Cin]. */
  mean(): Float32Array {
    if (!this.sum || this.count === 0) throw new Error('PositionMean: no data');
    return Float32Array.from(this.sum, (v) => v / this.count);
  }
}

/** Memory bank of per-position mean descriptors: [P, D] from the mean features [P, Cin]. */
export function meanDescriptors(weights: DescriptorWeights, meanFeatures: Float32Array, h: number, w: number): Float32Array {
  return describe(weights, meanFeatures, coordinateBias(weights, h, w), (i) => i);
}

/**
 * Lloyd's k-means with k-means++ seeding (seeded), used when gammaC > 1 to reduce the memory bank
 * to `k` centres (the reference runs sklearn's KMeans). Stops early when assignments stop changing.
 * @param points [n, dim] @returns centres [k, dim]
 */
export function kMeans(points: Float32Array, dim: number, k: number, iterations: number, seed: number): Float32Array {
  const n = points.length / dim;
  if (k >= n) return points.slice();
  const rng = new SeededRandom(seed);
  const centres = new Float32Array(k * dim);
  const dist2 = (p: number, c: number) => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (points[p * dim + j] - centres[c * dim + j]) ** 2;
    return s;
  };
  // k-means++: first centre uniform, then proportional to squared distance to the nearest chosen centre
  const first = rng.int(n);
  centres.set(points.subarray(first * dim, (first + 1) * dim), 0);
  const nearest = new Float64Array(n).fill(Infinity);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let p = 0; p < n; p++) {
      nearest[p] = Math.min(nearest[p], dist2(p, c - 1));
      total += nearest[p];
    }
    let target = rng.next() * total;
    let pick = n - 1;
    for (let p = 0; p < n; p++) {
      target -= nearest[p];
      if (target <= 0) {
        pick = p;
        break;
      }
    }
    centres.set(points.subarray(pick * dim, (pick + 1) * dim), c * dim);
  }
  const assign = new Int32Array(n).fill(-1);
  for (let it = 0; it < iterations; it++) {
    let changed = 0;
    for (let p = 0; p < n; p++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = dist2(p, c);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      if (assign[p] !== best) changed++;
      assign[p] = best;
    }
    const sums = new Float64Array(k * dim);
    const counts = new Int32Array(k);
    for (let p = 0; p < n; p++) {
      counts[assign[p]]++;
      for (let j = 0; j < dim; j++) sums[assign[p] * dim + j] += points[p * dim + j];
    }
    for (let c = 0; c < k; c++) if (counts[c] > 0) for (let j = 0; j < dim; j++) centres[c * dim + j] = sums[c * dim + j] / counts[c];
    if (changed === 0) break;
  }
  return centres;
}
