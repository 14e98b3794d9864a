import { SeededRandom } from '@defectlab/ml-core';

/**
 * CFA's patch descriptor: a 1x1 CoordConv, i.e. phi = [x, row, col] W + b for each position, where
 * x [Cin] is the aggregated feature and (row, col) are the position's coordinates scaled to [-1, 1]
 * (the reference's AddCoords: first the row coordinate, then the column coordinate).
 * Stored split as wf [Cin, D] (features), wc [2, D] (coordinates) and b [D].
 */
export interface DescriptorWeights {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly wf: Float32Array;
  readonly wc: Float32Array;
  readonly b: Float32Array;
}

/** PyTorch Conv2d's default initialisation: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weights and bias, fanIn = Cin + 2. */
export function initDescriptor(inChannels: number, outChannels: number, seed: number): DescriptorWeights {
  const rng = new SeededRandom(seed);
  const bound = 1 / Math.sqrt(inChannels + 2);
  const u = (n: number) => Float32Array.from({ length: n }, () => (2 * rng.next() - 1) * bound);
  return { inChannels, outChannels, wf: u(inChannels * outChannels), wc: u(2 * outChannels), b: u(outChannels) };
}

/** Coordinates [h*w, 2] in row-major grid order: (row / (h-1) * 2 - 1, col / (w-1) * 2 - 1); 0 for a size-1 axis. */
export function gridCoordinates(h: number, w: number): Float32Array {
  const c = new Float32Array(h * w * 2);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      c[(y * w + x) * 2] = h > 1 ? (y / (h - 1)) * 2 - 1 : 0;
      c[(y * w + x) * 2 + 1] = w > 1 ? (x / (w - 1)) * 2 - 1 : 0;
    }
  return c;
}

/** The position-dependent part of the descriptor: coords [P, 2] W_c + b -> [P, D]. */
export function coordinateBias(weights: DescriptorWeights, h: number, w: number): Float32Array {
  const coords = gridCoordinates(h, w);
  const D = weights.outChannels;
  const out = new Float32Array(h * w * D);
  for (let p = 0; p < h * w; p++)
    for (let d = 0; d < D; d++) out[p * D + d] = coords[p * 2] * weights.wc[d] + coords[p * 2 + 1] * weights.wc[D + d] + weights.b[d];
  return out;
}

/** phi for rows [n, Cin] all at grid positions `positions[i]` (row-major index): returns [n, D]. Plain JS (used for centroids). */
export function describe(weights: DescriptorWeights, rows: Float32Array, positionBias: Float32Array, positionOf: (i: number) => number): Float32Array {
  const { inChannels: C, outChannels: D, wf } = weights;
  const n = rows.length / C;
  const out = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    const o = out.subarray(i * D, (i + 1) * D);
    o.set(positionBias.subarray(positionOf(i) * D, (positionOf(i) + 1) * D));
    for (let c = 0; c < C; c++) {
      const x = rows[i * C + c];
      if (x === 0) continue;
      const wrow = c * D;
      for (let d = 0; d < D; d++) o[d] += x * wf[wrow + d];
    }
  }
  return out;
}
