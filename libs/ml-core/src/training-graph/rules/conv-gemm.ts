import { attr, type OnnxGraphBuilder } from '../../onnx';

/**
 * Faster formulations of 2-D, group-1 Conv gradients (x [N, Cin, H, W], w [Cout, Cin, K, K],
 * dy [N, Cout, Ho, Wo], pads [top, left, bottom, right]), measured in
 * libs/ml-core/bench/conv-gradients.bench.ts:
 *
 * - weight gradient: one Gemm per kernel tap, contracting over batch and positions at once. A Conv
 *   over transposed batch/channel axes is slower: onnxruntime runs it as one thin GEMM (width K * K)
 *   per input channel, with a kernel as large as the feature map;
 * - input gradient of a stride-1 Conv: a plain Conv of dy with the flipped, transposed weights, which
 *   onnxruntime runs faster than the equivalent ConvTranspose (a GEMM plus col2im per image).
 */
export interface Conv2dGeometry {
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** [top, left, bottom, right] */
  readonly pads: readonly number[];
}

/** dL/dx of a stride-1 2-D Conv as a Conv of dy with the flipped, transposed weights [Cin, Cout, K, K]. */
export function convInputGradientByConv(g: OnnxGraphBuilder, dy: string, w: string, kernel: readonly number[], geo: Conv2dGeometry): string {
  if (geo.strides.some((s) => s !== 1)) throw new Error('convInputGradientByConv: stride 1 only');
  const reach = kernel.map((k, i) => geo.dilations[i] * (k - 1));
  const pads = [reach[0] - geo.pads[0], reach[1] - geo.pads[1], reach[0] - geo.pads[2], reach[1] - geo.pads[3]];
  const flipped = g.slice(g.transpose(w, [1, 0, 2, 3]), [-1, -1], [-(2 ** 40), -(2 ** 40)], [2, 3], [-1, -1]);
  return g.op('Conv', [dy, flipped], { pads: attr.ints(pads), dilations: attr.ints(geo.dilations) });
}

/**
 * dL/dw of a 2-D Conv as one Gemm per kernel tap over the whole batch: Gemm(dy as [Cout, N*Ho*Wo],
 * the tap's shifted (strided) window of x as [Cin, N*Ho*Wo], transposed) -> [Cout, Cin] per tap,
 * stacked to [Cout, Cin, K, K]. Unlike im2col + one Gemm, the K * K windows are never concatenated
 * into one column matrix (half the copying, measured ~7 % faster on the seed preset's shapes).
 */
export function convWeightGradientByTapGemms(g: OnnxGraphBuilder, x: string, dy: string, xDims: readonly number[], dyDims: readonly number[], kernel: readonly number[], geo: Conv2dGeometry): string {
  const [n, cin] = xDims;
  const cout = dyDims[1];
  const outSpatial = dyDims.slice(2);
  const xT = g.transpose(x, [1, 0, 2, 3]);
  const padded = geo.pads.some((p) => p !== 0) ? g.pad(xT, [0, 0, geo.pads[0], geo.pads[1], 0, 0, geo.pads[2], geo.pads[3]]) : xT;
  const dyMat = g.reshape(g.transpose(dy, [1, 0, 2, 3]), [cout, n * outSpatial[0] * outSpatial[1]]);
  const taps: string[] = [];
  for (let ky = 0; ky < kernel[0]; ky++) {
    for (let kx = 0; kx < kernel[1]; kx++) {
      const starts = [ky * geo.dilations[0], kx * geo.dilations[1]];
      const ends = starts.map((s, i) => s + geo.strides[i] * (outSpatial[i] - 1) + 1);
      const steps = geo.strides.some((s) => s !== 1) ? [...geo.strides] : undefined;
      const tap = g.reshape(g.slice(padded, starts, ends, [2, 3], steps), [cin, n * outSpatial[0] * outSpatial[1]]);
      taps.push(g.unsqueeze(g.gemm(dyMat, tap, undefined, { transB: true }), [2]));
    }
  }
  return g.reshape(taps.length === 1 ? taps[0] : g.concat(taps, 2), [cout, cin, ...kernel]);
}
