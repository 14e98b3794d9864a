import { gaussianBlur, resizeBilinear, type Tensor } from '@defectlab/ml-core';

/**
 * Patch scores [N, 1, h, w] -> anomaly maps [N, 1, H, W]: bilinear (align_corners=False), then a Gaussian
 * blur of `sigma` pixels with scipy's 'reflect' border, as the reference.
 */
export function cfaAnomalyMaps(patchScores: Tensor, height: number, width: number, sigma: number): Tensor {
  const up = resizeBilinear(patchScores, height, width);
  return sigma > 0 ? gaussianBlur(up, sigma) : up;
}
