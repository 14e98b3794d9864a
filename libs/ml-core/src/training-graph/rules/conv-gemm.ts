import { attr, type OnnxGraphBuilder } from '../../onnx';

/**
 * Faster formulations of 2-D, group-1 Conv gradients (x [N, Cin, H, W], w [Cout, Cin, K, K],
 * dy [N, Cout, Ho, Wo]), measured in libs/ml-core/bench/conv-gradients.bench.ts:
 *
 * - weight gradient: im2col of x over the whole batch (Slice + Concat) and one wide Gemm. A Conv over
 *   transposed batch/channel axes is slower: onnxruntime runs it as one thin GEMM (width K * K) per
 *   input channel, with a kernel as large as the feature map;
 * - input gradient of a stride-1 Conv: a plain Conv of dy with the flipped, transposed weights, which
 *   onnxruntime runs faster than the equivalent ConvTranspose (a GEMM plus col2im per image).
 */
export interface Conv2dGeometry {
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** [top, left, bottom, right] */
  readonly pads: readonly number[];
}

/**
 * Columns of a channels-first map `xT` [C, N, H, W]: row c * K * K + ky * K + kx holds, for every
 * (n, oy, ox), the input under kernel tap (ky, kx) of output (oy, ox) (zero in the padding), so
 * rows are ordered as the weights' [Cout, C, K, K] flattening. Returns [C * K * K, N * Ho * Wo].
 */
export function im2colChannelsFirst(g: OnnxGraphBuilder, xT: string, xDims: readonly number[], kernel: readonly number[], geo: Conv2dGeometry, outSpatial: readonly number[]): string {
  const [c, n] = xDims;
  const padded = geo.pads.some((p) => p !== 0) ? g.pad(xT, [0, 0, geo.pads[0], geo.pads[1], 0, 0, geo.pads[2], geo.pads[3]]) : xT;
  const taps: string[] = [];
  for (let ky = 0; ky < kernel[0]; ky++) {
    for (let kx = 0; kx < kernel[1]; kx++) {
      const starts = [ky * geo.dilations[0], kx * geo.dilations[1]];
      const ends = starts.map((s, i) => s + geo.strides[i] * (outSpatial[i] - 1) + 1);
      const steps = geo.strides.some((s) => s !== 1) ? [...geo.strides] : undefined;
      taps.push(g.slice(padded, starts, ends, [2, 3], steps));
    }
  }
  // [C, K*K * N, Ho, Wo] is laid out as [C, K*K, N, Ho, Wo]
  const cols = taps.length === 1 ? taps[0] : g.concat(taps, 1);
  return g.reshape(cols, [c * kernel[0] * kernel[1], n * outSpatial[0] * outSpatial[1]]);
}

/** dL/dw of a 2-D Conv: Gemm(dy as [Cout, N*Ho*Wo], columns of x transposed) -> [Cout, Cin, K, K]. */
export function convWeightGradientByGemm(g: OnnxGraphBuilder, x: string, dy: string, xDims: readonly number[], dyDims: readonly number[], kernel: readonly number[], geo: Conv2dGeometry): string {
  const [n, cin] = xDims;
  const cout = dyDims[1];
  const outSpatial = dyDims.slice(2);
  const cols = im2colChannelsFirst(g, g.transpose(x, [1, 0, 2, 3]), [cin, n, ...xDims.slice(2)], kernel, geo, outSpatial);
  const dyMat = g.reshape(g.transpose(dy, [1, 0, 2, 3]), [cout, n * outSpatial[0] * outSpatial[1]]);
  return g.reshape(g.gemm(dyMat, cols, undefined, { transB: true }), [cout, cin, ...kernel]);
}

/** dL/dx of a stride-1 2-D Conv as a Conv of dy with the flipped, transposed weights [Cin, Cout, K, K]. */
export function convInputGradientByConv(g: OnnxGraphBuilder, dy: string, w: string, kernel: readonly number[], geo: Conv2dGeometry): string {
  if (geo.strides.some((s) => s !== 1)) throw new Error('convInputGradientByConv: stride 1 only');
  const reach = kernel.map((k, i) => geo.dilations[i] * (k - 1));
  const pads = [reach[0] - geo.pads[0], reach[1] - geo.pads[1], reach[0] - geo.pads[2], reach[1] - geo.pads[3]];
  const flipped = g.slice(g.transpose(w, [1, 0, 2, 3]), [-1, -1], [-(2 ** 40), -(2 ** 40)], [2, 3], [-1, -1]);
  return g.op('Conv', [dy, flipped], { pads: attr.ints(pads), dilations: attr.ints(geo.dilations) });
}
