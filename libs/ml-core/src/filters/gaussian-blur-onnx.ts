import type { OnnxGraphBuilder } from '../onnx/graph-builder';
import { gaussianKernel1d } from './gaussian-blur';

/**
 * Adds the same separable Gaussian blur as {@link gaussianBlur} to an ONNX graph, for a single-channel
 * map x [N, 1, H, W]: scipy's 'reflect' border is built from reversed Slices (steps -1) concatenated
 * around the map, then a 1 x K and a K x 1 convolution. Needs H, W >= the kernel radius
 * (round(4 * sigma); 16 for sigma 4).
 * @returns the blurred map [N, 1, H, W].
 */
export function addGaussianBlurToGraph(g: OnnxGraphBuilder, x: string, sigma: number, truncate = 4): string {
  const k = gaussianKernel1d(sigma, truncate);
  const r = (k.length - 1) / 2;
  if (r === 0) return x;
  const FAR = -(2 ** 40); // "before index 0" for a reversed slice
  const padAxis = (v: string, axis: number): string => {
    const before = g.slice(v, [r - 1], [FAR], [axis], [-1]); // x[r-1], ..., x[0]
    const after = g.slice(v, [-1], [-r - 1], [axis], [-1]); // x[n-1], ..., x[n-r]
    return g.concat([before, v, after], axis);
  };
  const horizontal = g.conv(padAxis(x, 3), g.initializer('gauss_w', k, [1, 1, 1, k.length]));
  return g.conv(padAxis(horizontal, 2), g.initializer('gauss_h', k, [1, 1, k.length, 1]));
}
