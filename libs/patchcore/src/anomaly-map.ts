import { gaussianBlur, resizeBilinear, type Tensor } from '@defectlab/ml-core';

/**
 * Turns patch scores into an anomaly map at image resolution, as the PatchCore reference does:
 * bilinear upsampling (align_corners=False) of the [N, 1, h, w] patch-score grid to [N, 1, H, W], then a
 * Gaussian blur with `sigma` pixels (scipy 'reflect' border). sigma 0 skips the blur.
 */
export function patchScoresToAnomalyMap(patchScores: Tensor, height: number, width: number, sigma: number): Tensor {
  const up = resizeBilinear(patchScores, height, width);
  return sigma > 0 ? gaussianBlur(up, sigma) : up;
}
