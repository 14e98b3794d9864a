/** Helpers for the reference's specs: tiny networks with non-trivial weights and seeded inputs. */
import type * as tfType from '@tensorflow/tfjs';
import { createRng } from '@defectlab/datasets';
import type { Tensor } from '@defectlab/ml-core';
import type { FlowShape, Reduction } from '@defectlab/csflow/parts';
import { CsFlowNet } from './model';

export const TINY_SHAPE: FlowShape = { channels: 4, hiddenChannels: 6, kernelSizes: [3, 5], clamp: 3, leakySlope: 0.1 };

/**
 * A tiny network whose gammas are set to non-zero values, so every block is far from the identity
 * (at initialisation gamma = 0 makes the flow the identity, which would make invertibility trivial).
 */
export function tinyNet(tf: typeof tfType, shape: FlowShape = TINY_SHAPE, seed = 1, gamma = 0.7): CsFlowNet {
  const net = new CsFlowNet(tf, shape, seed);
  const rng = createRng(seed + 100);
  for (const b of net.blocks) {
    for (const s of [b.subnetA, b.subnetB]) s.gamma.assign(tf.tensor1d([0, 1, 2].map(() => gamma * (0.5 + rng.next()))));
  }
  return net;
}

/** Seeded normal inputs at three scales: [n,S,S,C], [n,S/2,S/2,C], [n,S/4,S/4,C]. */
export function seededScales(tf: typeof tfType, n: number, side: number, channels: number, seed: number, shift = 0): tfType.Tensor4D[] {
  const rng = createRng(seed);
  return [side, side / 2, side / 4].map((s) => {
    const d = new Float32Array(n * s * s * channels);
    for (let i = 0; i < d.length; i++) d[i] = rng.normal() + shift;
    return tf.tensor4d(d, [n, s, s, channels]);
  });
}

/**
 * NCHW backbone maps -> NHWC TF.js tensor, reduced when `r` is given (the TF.js reference's input).
 * @param x NCHW [N, Cb, H, W]
 */
export function toFlowInput(tf: typeof tfType, x: Tensor, r: Reduction | null): tfType.Tensor4D {
  const [n, cb, h, w] = x.dims;
  return tf.tidy(() => {
    const nhwc = tf.transpose(tf.tensor4d(x.data, [n, cb, h, w]), [0, 2, 3, 1]);
    if (!r) return nhwc as tfType.Tensor4D;
    const flat = tf.reshape(nhwc, [n * h * w, cb]);
    const y = tf.add(tf.matMul(flat, tf.tensor2d(r.weight, [r.outChannels, cb]), false, true), tf.tensor1d(r.bias));
    return tf.reshape(y, [n, h, w, r.outChannels]) as tfType.Tensor4D;
  });
}
