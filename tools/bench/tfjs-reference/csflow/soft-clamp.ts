import type * as tfType from '@tensorflow/tfjs';
import { SOFT_CLAMP_FACTOR } from '@defectlab/csflow/parts';

/** Soft clamp of the log-scale, elementwise: clamp * 0.636 * atan(s / clamp), bounded by ~clamp. */
export function softClamp(tf: typeof tfType, s: tfType.Tensor, clamp: number): tfType.Tensor {
  return tf.mul(tf.atan(tf.div(s, clamp)), clamp * SOFT_CLAMP_FACTOR);
}
