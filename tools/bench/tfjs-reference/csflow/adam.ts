/**
 * Adam as torch.optim.Adam implements it (L2 weight decay added to the gradient, bias-corrected
 * moments, eps outside the square root), preceded by global gradient-norm clipping as
 * torch.nn.utils.clip_grad_norm_ does.
 *
 * The moments live in plain Float32Arrays, outside the TensorFlow.js backend: on the wasm backend
 * (about 2 GB of heap) keeping them as tensors would triple the weights' footprint and the seed-size
 * model (94 M parameters) would not fit. The update itself is a short elementwise loop.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { FlowOptimizer } from '@defectlab/csflow/parts';

/** The same settings the ONNX engine's training graph takes (one definition, in train.ts). */
export type AdamSettings = FlowOptimizer;

export class ClippedAdam {
  /** Steps taken so far (bias correction uses it). */
  step = 0;
  readonly m: Float32Array[];
  readonly v: Float32Array[];

  constructor(
    private readonly tf: typeof tfType,
    private readonly vars: readonly tfType.Variable[],
    private readonly s: AdamSettings,
  ) {
    this.m = vars.map((p) => new Float32Array(p.size));
    this.v = vars.map((p) => new Float32Array(p.size));
  }

  /**
   * Applies one update. `grads[i]` is the gradient of `vars[i]` (same shape); grads are not disposed.
   * @returns the global gradient norm before clipping
   */
  async apply(grads: readonly tfType.Tensor[]): Promise<number> {
    const tf = this.tf;
    this.step++;
    const t = this.step;
    const { lr, beta1, beta2, eps, weightDecay, gradClipNorm } = this.s;
    const g = await Promise.all(grads.map((x) => x.data<'float32'>()));
    let sq = 0;
    for (const a of g) for (let i = 0; i < a.length; i++) sq += a[i] * a[i];
    const norm = Math.sqrt(sq);
    const scale = gradClipNorm > 0 && norm > gradClipNorm ? gradClipNorm / (norm + 1e-6) : 1;
    const bc1 = 1 - Math.pow(beta1, t);
    const bc2 = 1 - Math.pow(beta2, t);
    for (let k = 0; k < this.vars.length; k++) {
      const p = this.vars[k];
      const w = (await p.data<'float32'>()) as Float32Array;
      const m = this.m[k];
      const v = this.v[k];
      const gk = g[k];
      for (let i = 0; i < w.length; i++) {
        const gi = gk[i] * scale + weightDecay * w[i];
        m[i] = beta1 * m[i] + (1 - beta1) * gi;
        v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
        w[i] -= (lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + eps);
      }
      tf.tidy(() => p.assign(tf.tensor(w, p.shape)));
    }
    return norm;
  }
}
