import type * as tfType from '@tensorflow/tfjs';

/**
 * The CS-Flow training loss: mean over the batch of (0.5 * ||z||^2 - log|det J|) / D,
 * where z concatenates all scales of a sample and D is its length.
 * @param zs latents per scale, NHWC [N,Hs,Ws,C]
 * @param logDet [N]
 * @returns scalar tensor
 */
export function flowNll(tf: typeof tfType, zs: readonly tfType.Tensor[], logDet: tfType.Tensor1D): tfType.Scalar {
  const d = zs.reduce((n, z) => n + z.size / z.shape[0], 0);
  const sq = tf.addN(zs.map((z) => tf.sum(tf.square(z), [1, 2, 3])));
  return tf.div(tf.mean(tf.sub(tf.mul(sq, 0.5), logDet)), d) as tfType.Scalar;
}
