import type * as tfType from '@tensorflow/tfjs';

/** The constant of the reference code's soft clamp (about 2 / pi). */
export const SOFT_CLAMP_FACTOR = 0.636;

/** Soft clamp of the log-scale, elementwise: clamp * 0.636 * atan(s / clamp), bounded by ~clamp. */
export function softClamp(tf: typeof tfType, s: tfType.Tensor, clamp: number): tfType.Tensor {
  return tf.mul(tf.atan(tf.div(s, clamp)), clamp * SOFT_CLAMP_FACTOR);
}
