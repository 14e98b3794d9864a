/**
 * The cross-scale convolution subnetwork of CS-Flow (one per coupling half and block).
 * Tensors are NHWC (TensorFlow.js layout); index 0 is the finest scale, 2 the coarsest,
 * each scale exactly half the side of the previous one.
 */
import type * as tfType from '@tensorflow/tfjs';
import { resizeAxisMatrix } from '@defectlab/ml-core';

type Tf = typeof tfType;

/** One convolution: filter [K, K, Cin, Cout], bias [Cout], symmetric zero padding K // 2. */
export interface ConvParams {
  readonly w: tfType.Variable;
  readonly b: tfType.Variable;
  readonly stride: 1 | 2;
}

export interface CrossConvParams {
  readonly kernel: number;
  /** Per scale: Cin -> hidden. */
  readonly inConv: readonly [ConvParams, ConvParams, ConvParams];
  /** Per scale: hidden -> Cout at the same resolution. */
  readonly outConv: readonly [ConvParams, ConvParams, ConvParams];
  /** [0]: scale 1 -> 0, [1]: scale 2 -> 1; bilinear x2 upsampling, then this conv (hidden -> Cout). */
  readonly upConv: readonly [ConvParams, ConvParams];
  /** [0]: scale 0 -> 1, [1]: scale 1 -> 2; stride-2 conv (hidden -> Cout). */
  readonly downConv: readonly [ConvParams, ConvParams];
  /** Learnable output scale per scale, [3], initialised to 0 (the flow starts as the identity). */
  readonly gamma: tfType.Variable;
}

/** x [N,H,W,Cin] -> [N,H/stride,W/stride,Cout]; padding K//2 on every side (as PyTorch padding=K//2). */
export function conv(tf: Tf, x: tfType.Tensor4D, p: ConvParams): tfType.Tensor4D {
  const k = p.w.shape[0];
  return tf.add(tf.conv2d(x, p.w as tfType.Tensor4D, p.stride, Math.floor(k / 2)), p.b) as tfType.Tensor4D;
}

/**
 * Bilinear x2 upsampling with half-pixel centres (PyTorch `align_corners=False`, ONNX `half_pixel`).
 * x [N,H,W,C] -> [N,2H,2W,C].
 *
 * The forward is TF.js's resizeBilinear; the gradient is our own exact adjoint dx = M_H^T dy M_W with
 * the interpolation matrices of `resizeAxisMatrix`: TF.js's ResizeBilinearGrad ignores the half-pixel
 * centres (it back-projects with the align_corners=False, half_pixel_centers=False mapping), a biased
 * gradient that every TF.js CS-Flow run before this fix trained with (see README).
 */
export function upsample2x(tf: Tf, x: tfType.Tensor4D): tfType.Tensor4D {
  const f = tf.customGrad(((input: tfType.Tensor4D) => {
    const [n, h, w, c] = input.shape;
    const value = tf.image.resizeBilinear(input, [h * 2, w * 2], false, true);
    const gradFunc = (dy: tfType.Tensor): tfType.Tensor => resizeAdjoint(tf, dy as tfType.Tensor4D, [n, h, w, c]);
    return { value, gradFunc };
  }) as unknown as Parameters<Tf['customGrad']>[0]);
  return f(x) as tfType.Tensor4D;
}

/** dx = M_H^T dy M_W for an NHWC gradient dy [N, Ho, Wo, C] of a half-pixel bilinear resize from [N, H, W, C]. */
function resizeAdjoint(tf: Tf, dy: tfType.Tensor4D, [n, h, w, c]: readonly number[]): tfType.Tensor4D {
  return tf.tidy(() => {
    const [, ho, wo] = dy.shape;
    const mw = tf.tensor2d(Float32Array.from(resizeAxisMatrix(w, wo, wo / w, 'linear', 'half_pixel')), [wo, w]);
    const mh = tf.tensor2d(Float32Array.from(resizeAxisMatrix(h, ho, ho / h, 'linear', 'half_pixel')), [ho, h]);
    const nchw = tf.transpose(dy, [0, 3, 1, 2]).reshape([n * c * ho, wo]);
    const alongW = tf.matMul(nchw, mw).reshape([n * c, ho, w]);
    const alongH = tf.matMul(tf.transpose(alongW, [0, 2, 1]).reshape([n * c * w, ho]), mh).reshape([n, c, w, h]);
    return tf.transpose(alongH, [0, 3, 2, 1]) as tfType.Tensor4D;
  });
}

/**
 * Applies the subnetwork to the three scales.
 * @param xs [N,H,W,Cin], [N,H/2,W/2,Cin], [N,H/4,W/4,Cin]
 * @returns the three outputs with Cout channels at the same resolutions, each times its gamma.
 */
export function crossConv(
  tf: Tf,
  p: CrossConvParams,
  xs: readonly tfType.Tensor4D[],
  leakySlope: number,
): tfType.Tensor4D[] {
  const act = xs.map((x, i) => tf.leakyRelu(conv(tf, x, p.inConv[i]), leakySlope) as tfType.Tensor4D);
  const y0 = tf.addN([conv(tf, act[0], p.outConv[0]), conv(tf, upsample2x(tf, act[1]), p.upConv[0])]);
  const y1 = tf.addN([
    conv(tf, act[1], p.outConv[1]),
    conv(tf, upsample2x(tf, act[2]), p.upConv[1]),
    conv(tf, act[0], p.downConv[0]),
  ]);
  const y2 = tf.addN([conv(tf, act[2], p.outConv[2]), conv(tf, act[1], p.downConv[1])]);
  const g = tf.unstack(p.gamma);
  return [y0, y1, y2].map((y, i) => tf.mul(y, g[i]) as tfType.Tensor4D);
}
