/**
 * Adam as torch.optim.Adam implements it (L2 weight decay added to the gradient, bias-corrected
 * moments, eps outside the square root), preceded by global gradient-norm clipping as
 * torch.nn.utils.clip_grad_norm_ does. Operates on TensorFlow.js variables in place.
 */
import type * as tfType from '@tensorflow/tfjs';

export interface AdamSettings {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** 0 disables clipping. */
  readonly gradClipNorm: number;
}

export class ClippedAdam {
  /** Steps taken so far (bias correction uses it). */
  step = 0;
  readonly m: tfType.Variable[];
  readonly v: tfType.Variable[];

  constructor(
    private readonly tf: typeof tfType,
    private readonly vars: readonly tfType.Variable[],
    private readonly s: AdamSettings,
  ) {
    this.m = tf.tidy(() => vars.map((p) => tf.variable(tf.zerosLike(p), false)));
    this.v = tf.tidy(() => vars.map((p) => tf.variable(tf.zerosLike(p), false)));
  }

  /**
   * Applies one update. `grads[i]` is the gradient of `vars[i]` (same shape); grads are not disposed.
   * @returns the global gradient norm before clipping
   */
  apply(grads: readonly tfType.Tensor[]): number {
    const tf = this.tf;
    this.step++;
    const t = this.step;
    const { lr, beta1, beta2, eps, weightDecay, gradClipNorm } = this.s;
    const normT = tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))));
    const norm = normT.dataSync()[0];
    normT.dispose();
    const scale = gradClipNorm > 0 && norm > gradClipNorm ? gradClipNorm / (norm + 1e-6) : 1;
    const bc1 = 1 - Math.pow(beta1, t);
    const bc2 = 1 - Math.pow(beta2, t);
    tf.tidy(() => {
      this.vars.forEach((p, i) => {
        let g = scale === 1 ? grads[i] : tf.mul(grads[i], scale);
        if (weightDecay > 0) g = tf.add(g, tf.mul(p, weightDecay));
        const m = tf.add(tf.mul(this.m[i], beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const update = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), eps));
        p.assign(tf.sub(p, tf.mul(update, lr)));
      });
    });
    return norm;
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
