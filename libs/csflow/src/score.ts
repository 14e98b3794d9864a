/**
 * Image scores from per-position latent scores (pure functions on flat arrays).
 *
 * A position score is the channel mean of 0.5 * z^2 at one spatial position of one scale. Every
 * position carries the same number of channels, so the plain mean over all positions of all three
 * scales equals the paper's image score, the mean of 0.5 * z^2 over all latent entries.
 */
import { imageScoresOf, type Tensor } from '@defectlab/ml-core';
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
 * Aggregates the position scores of all scales into one score per image with ml-core's `imageScoresOf`
 * (libs/metrics `aggregateMap`), the aggregation every model and every exported graph uses.
 * @param scales per scale [N, 1, Hs, Ws] (as from `positionScores` or the ONNX graph)
 * @param mode 'mean' (paper), 'std' (seed project), 'max', or 'topk' (mean of the top `topKFraction`)
 * @returns Float32Array of length N
 */
export function imageScores(scales: readonly Tensor[], mode: ScoreMode, topKFraction = 0.01): Float32Array {
  return imageScoresOf(concatPositions(scales), mode, topKFraction);
}

/** The position scores of every scale side by side: [N, 1, 1, sum of Hs * Ws], image-major. */
function concatPositions(scales: readonly Tensor[]): Tensor {
  const n = scales[0].dims[0];
  const planes = scales.map((s) => s.dims[2] * s.dims[3]);
  const per = planes.reduce((a, b) => a + b, 0);
  const data = new Float32Array(n * per);
  for (let i = 0; i < n; i++) {
    let at = i * per;
    scales.forEach((s, k) => {
      data.set(s.data.subarray(i * planes[k], (i + 1) * planes[k]), at);
      at += planes[k];
    });
  }
  return { data, dims: [n, 1, 1, per] };
}
