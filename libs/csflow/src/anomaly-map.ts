/**
 * Anomaly maps: the channel mean of z^2 at the finest scale (the reference code's map), bilinearly
 * upsampled to the image size with half-pixel centres.
 */
import type { Tensor } from '@defectlab/ml-core';

/**
 * @param finest position scores of the finest scale [N, 1, h, w] (channel mean of 0.5 * z^2)
 * @param height output height (the scored images' height)
 * @param width output width
 * @returns [N, 1, height, width]: channel mean of z^2 (= 2 x the position score), upsampled
 */
export function anomalyMaps(finest: Tensor, height: number, width: number): Tensor {
  const [n, , h, w] = finest.dims;
  const out = new Float32Array(n * height * width);
  const sy = h / height;
  const sx = w / width;
  for (let i = 0; i < n; i++) {
    const src = finest.data.subarray(i * h * w, (i + 1) * h * w);
    for (let y = 0; y < height; y++) {
      const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
      const y0 = Math.floor(fy);
      const y1 = Math.min(y0 + 1, h - 1);
      const ay = fy - y0;
      for (let x = 0; x < width; x++) {
        const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
        const x0 = Math.floor(fx);
        const x1 = Math.min(x0 + 1, w - 1);
        const ax = fx - x0;
        const top = src[y0 * w + x0] * (1 - ax) + src[y0 * w + x1] * ax;
        const bottom = src[y1 * w + x0] * (1 - ax) + src[y1 * w + x1] * ax;
        out[(i * height + y) * width + x] = 2 * (top * (1 - ay) + bottom * ay);
      }
    }
  }
  return { data: out, dims: [n, 1, height, width] };
}
