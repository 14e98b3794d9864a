import { initTrainingBackend } from '@defectlab/ml-core';
import { AdamW } from './optimizer';

/** torch.optim.AdamW(amsgrad=True) for one scalar parameter, written out from its documentation. */
function torchAdamW(p0: number, grads: (p: number) => number, steps: number, lr: number, wd: number): number {
  let p = p0, m = 0, v = 0, vMax = 0;
  for (let t = 1; t <= steps; t++) {
    const g = grads(p);
    p *= 1 - lr * wd;
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    vMax = Math.max(vMax, v);
    const denom = Math.sqrt(vMax) / Math.sqrt(1 - 0.999 ** t) + 1e-8;
    p -= (lr / (1 - 0.9 ** t)) * (m / denom);
  }
  return p;
}

describe('AdamW with AMSGrad', () => {
  it('follows PyTorch AdamW(amsgrad=True) step for step on f(p) = (p - 3)^2 with a changing gradient scale', async () => {
    const { tf } = await initTrainingBackend();
    const before = tf.memory().numTensors;
    const x = tf.tidy(() => tf.variable(tf.tensor1d([0.5, -2])));
    const opt = new AdamW(tf, { learningRate: 0.1, weightDecay: 0.05, amsgrad: true });
    const scale = (t: number) => (t % 3 === 0 ? 0.1 : 1); // makes v shrink sometimes, so AMSGrad's max matters
    for (let t = 1; t <= 25; t++) {
      const g = tf.tidy(() => tf.mul(tf.mul(tf.sub(x, 3), 2), scale(t)));
      opt.apply({ x }, { x: g });
      g.dispose();
    }
    const got = Array.from(x.dataSync());
    let t = 0;
    const expected = [0.5, -2].map((p0) => {
      t = 0;
      return torchAdamW(p0, (p) => 2 * (p - 3) * scale(++t), 25, 0.1, 0.05);
    });
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    opt.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
