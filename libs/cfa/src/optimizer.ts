import type * as tfType from '@tensorflow/tfjs';

type Tf = typeof tfType;

export interface AdamWOptions {
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

/**
 * AdamW (decoupled weight decay, Loshchilov & Hutter) with the AMSGrad variant, step for step as
 * PyTorch's `torch.optim.AdamW(..., amsgrad=True)`; TensorFlow.js ships neither. Owns its moment
 * tensors: call `dispose()`.
 */
export class AdamW {
  private step = 0;
  private readonly m = new Map<string, tfType.Tensor>();
  private readonly v = new Map<string, tfType.Tensor>();
  private readonly vMax = new Map<string, tfType.Tensor>();

  constructor(
    private readonly tf: Tf,
    private readonly options: AdamWOptions,
  ) {}

  /** Applies one update to each variable from its gradient (gradients are not disposed). */
  apply(variables: Readonly<Record<string, tfType.Variable>>, grads: Readonly<Record<string, tfType.Tensor>>): void {
    const tf = this.tf;
    const { learningRate: lr, weightDecay: wd, amsgrad } = this.options;
    const b1 = this.options.beta1 ?? 0.9;
    const b2 = this.options.beta2 ?? 0.999;
    const eps = this.options.epsilon ?? 1e-8;
    this.step++;
    const bc1 = 1 - b1 ** this.step;
    const bc2 = 1 - b2 ** this.step;
    for (const [name, variable] of Object.entries(variables)) {
      const g = grads[name];
      if (!g) continue;
      const mPrev = this.m.get(name) ?? tf.zerosLike(variable);
      const vPrev = this.v.get(name) ?? tf.zerosLike(variable);
      const [m, v, vm, next] = tf.tidy(() => {
        const mNew = tf.add(tf.mul(mPrev, b1), tf.mul(g, 1 - b1));
        const vNew = tf.add(tf.mul(vPrev, b2), tf.mul(tf.square(g), 1 - b2));
        const vMaxNew = amsgrad ? tf.maximum(this.vMax.get(name) ?? vNew, vNew) : vNew;
        const denom = tf.add(tf.div(tf.sqrt(vMaxNew), Math.sqrt(bc2)), eps);
        const decayed = tf.mul(variable, 1 - lr * wd);
        return [mNew, vNew, vMaxNew, tf.sub(decayed, tf.mul(tf.div(mNew, denom), lr / bc1))];
      });
      variable.assign(next);
      next.dispose();
      mPrev.dispose();
      vPrev.dispose();
      this.m.set(name, m);
      this.v.set(name, v);
      if (amsgrad) {
        const old = this.vMax.get(name);
        if (old && old !== vm) old.dispose();
        this.vMax.set(name, vm);
      }
    }
  }

  dispose(): void {
    for (const map of [this.m, this.v, this.vMax]) {
      for (const t of map.values()) if (!t.isDisposed) t.dispose();
      map.clear();
    }
  }
}
