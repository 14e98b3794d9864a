import type * as tfType from '@tensorflow/tfjs';
import type { CfaLossParams } from '@defectlab/cfa/parts';

type Tf = typeof tfType;

/** Flat indices row * M + col for col [n, k] (int32). */
function flatIndices(tf: Tf, cols: tfType.Tensor, n: number, M: number): tfType.Tensor {
  return tf.reshape(tf.add(tf.cast(cols, 'int32'), tf.mul(tf.range(0, n, 1, 'int32').expandDims(1), tf.scalar(M, 'int32'))), [-1]);
}

/**
 * The k smallest entries of each row of d2 [n, M], ascending, differentiable in d2 (the gradient flows
 * to the selected entries only). tfjs has no TopK gradient, and its gather gradient needs the
 * UnsortedSegmentSum kernel that the wasm backend lacks, so this is a custom op whose gradient is a
 * ScatterNd; the chosen columns are saved as float32 (exact: column indices < 2^24).
 */
function smallestK(tf: Tf, d2: tfType.Tensor2D, k: number): tfType.Tensor2D {
  const [n, M] = d2.shape;
  const op = tf.customGrad(((x: tfType.Tensor2D, save: (ts: tfType.Tensor[]) => void) => {
    const cols = tf.topk(tf.neg(x), k).indices;
    save([tf.cast(cols, 'float32')]);
    return {
      value: tf.reshape(tf.gather(tf.reshape(x, [-1]), flatIndices(tf, cols, n, M)), [n, k]),
      gradFunc: (dy: tfType.Tensor | tfType.Tensor[], saved: tfType.Tensor[]) =>
        tf.reshape(tf.scatterND(tf.expandDims(flatIndices(tf, saved[0], n, M), 1), tf.reshape(dy as tfType.Tensor, [-1]), [n * M]), [n, M]),
    };
  }) as unknown as Parameters<Tf['customGrad']>[0]);
  return op(d2) as tfType.Tensor2D;
}

/**
 * The TensorFlow.js reference of CFA's coupled-hypersphere soft-boundary loss for descriptors phi [n, D] against the memory bank:
 *   d_k   = squared distance of phi to its k-th nearest centre (k = 1..K+J),
 *   L_att = (1/nu) mean over n x K  of max(0, d_k - r^2)              (k = 1..K: pull inside radius r),
 *   L_rep = (1/nu) mean over n x J  of max(0, r^2 - d_k - alpha)      (k = K+1..K+J: hard negatives kept
 *           at least alpha outside the sphere).
 * Squared distances come from |phi|^2 + |c|^2 - 2 phi.c as in the reference; the K+J nearest are
 * chosen with TopK and their entries gathered, so gradients reach phi (and r) only.
 * @param centresT the centres transposed, [D, M] (constant)
 * @param centresSq squared norms of the centres, [1, M] (constant)
 * @param r the learned radius, shape [1]
 * @returns scalar loss
 */
export function cfaLoss(tf: Tf, phi: tfType.Tensor2D, centresT: tfType.Tensor2D, centresSq: tfType.Tensor2D, r: tfType.Tensor, p: CfaLossParams): tfType.Scalar {
  const n = phi.shape[0];
  const M = centresT.shape[1];
  const kk = Math.min(p.K + p.J, M);
  const d2 = tf.sub(tf.add(tf.sum(tf.square(phi), 1, true), centresSq), tf.mul(2, tf.matMul(phi, centresT))) as tfType.Tensor2D; // [n, M]
  const d = smallestK(tf, d2, kk); // [n, kk] squared distances, nearest first
  const r2 = tf.square(r);
  const K = Math.min(p.K, kk);
  const att = tf.mean(tf.relu(tf.sub(tf.slice(d, [0, 0], [n, K]), r2)));
  let loss = att;
  const J = kk - K;
  if (J > 0) {
    const rep = tf.mean(tf.relu(tf.sub(tf.sub(r2, tf.slice(d, [0, K], [n, J])), p.alpha)));
    loss = tf.add(att, rep);
  }
  return tf.div(loss, p.nu) as tfType.Scalar;
}
