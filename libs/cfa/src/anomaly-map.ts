import { gaussianBlur, resizeBilinear, type Tensor } from '@defectlab/ml-core';

/**
 * Patch scores [N, 1, h, w] -> anomaly maps [N, 1, H, W] (bilinear, align_corners=False, then a
 * Gaussian blur of `sigma` pixels with scipy's 'reflect' border, as the reference) and image scores
 * = max of each map.
 */
export function cfaAnomalyMaps(patchScores: Tensor, height: number, width: number, sigma: number): { maps: Tensor; imageScores: Float32Array } {
  const up = resizeBilinear(patchScores, height, width);
  const maps = sigma > 0 ? gaussianBlur(up, sigma) : up;
  const n = patchScores.dims[0];
  const plane = height * width;
  const imageScores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let p = 0; p < plane; p++) m = Math.max(m, maps.data[i * plane + p]);
    imageScores[i] = m;
  }
  return { maps, imageScores };
}
