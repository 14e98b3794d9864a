/**
 * Image scores from per-position latent scores (pure functions on flat arrays).
 *
 * A position score is the channel mean of 0.5 * z^2 at one spatial position of one scale. Every
 * position carries the same number of channels, so the plain mean over all positions of all three
 * scales equals the paper's image score, the mean of 0.5 * z^2 over all latent entries.
 */
import type { Tensor } from '@defectlab/ml-core';
import type { ScoreMode } from './config';

/**
 * Position scores of one scale from latents.
 * @param z latents NCHW [N, C, H, W]
 * @returns [N, 1, H, W]: mean over C of 0.5 * z^2
 */
export function positionScores(z: Tensor): Tensor {
  const [n, c, h, w] = z.dims;
  const plane = h * w;
  const out = new Float32Array(n * plane);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const base = (i * c + ch) * plane;
      for (let p = 0; p < plane; p++) {
        const v = z.data[base + p];
        out[i * plane + p] += 0.5 * v * v;
      }
    }
  }
  for (let k = 0; k < out.length; k++) out[k] /= c;
  return { data: out, dims: [n, 1, h, w] };
}

/**
 * Aggregates the position scores of all scales into one score per image.
 * @param scales per scale [N, 1, Hs, Ws] (as from `positionScores` or the ONNX graph)
 * @param mode 'mean' (paper), 'std' (seed project), 'max', or 'topk' (mean of the top `topKFraction`)
 * @returns Float32Array of length N
 */
export function imageScores(scales: readonly Tensor[], mode: ScoreMode, topKFraction = 0.01): Float32Array {
  const n = scales[0].dims[0];
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const values: number[] = [];
    for (const s of scales) {
      const plane = s.dims[2] * s.dims[3];
      for (let p = 0; p < plane; p++) values.push(s.data[i * plane + p]);
    }
    out[i] = aggregate(values, mode, topKFraction);
  }
  return out;
}

function aggregate(values: number[], mode: ScoreMode, topKFraction: number): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  switch (mode) {
    case 'mean':
      return mean;
    case 'std':
      return Math.sqrt(values.reduce((a, v) => a + (v - mean) * (v - mean), 0) / values.length);
    case 'max':
      return values.reduce((a, b) => Math.max(a, b), -Infinity);
    case 'topk': {
      const k = Math.max(1, Math.round(values.length * topKFraction));
      const sorted = [...values].sort((a, b) => b - a);
      return sorted.slice(0, k).reduce((a, b) => a + b, 0) / k;
    }
    default: {
      const never: never = mode;
      throw new Error(`unknown score mode ${String(never)}`);
    }
  }
}
