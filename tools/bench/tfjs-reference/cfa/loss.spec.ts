import { SeededRandom } from '@defectlab/ml-core';
import { initTfjsWasm } from '../backend';
import { cfaLoss } from './loss';

/** The loss straight from the paper's formulas, in double precision. */
function referenceLoss(phi: number[][], centres: number[][], r: number, K: number, J: number, alpha: number, nu: number): number {
  let att = 0;
  let rep = 0;
  for (const p of phi) {
    const d = centres.map((c) => c.reduce((s, v, j) => s + (p[j] - v) ** 2, 0)).sort((a, b) => a - b);
    for (let k = 0; k < K; k++) att += Math.max(0, d[k] - r * r);
    for (let k = K; k < K + J; k++) rep += Math.max(0, r * r - d[k] - alpha);
  }
  return att / (phi.length * K) / nu + (J > 0 ? rep / (phi.length * J) / nu : 0);
}

describe('cfaLoss', () => {
  it.each([
    { r: 0.3, alpha: 0.1, note: 'small radius: attraction only' },
    { r: 2.5, alpha: 0.1, note: 'large radius: repulsion active' },
  ])('equals the paper formula ($note)', async ({ r, alpha }) => {
    const { tf } = await initTfjsWasm();
    const rng = new SeededRandom(5);
    const phi = Array.from({ length: 9 }, () => Array.from({ length: 4 }, () => rng.normal()));
    const centres = Array.from({ length: 12 }, () => Array.from({ length: 4 }, () => rng.normal()));
    const value = tf.tidy(() => {
      const c = tf.tensor2d(centres);
      const loss = cfaLoss(tf, tf.tensor2d(phi), tf.transpose(c), tf.sum(tf.square(c), 1).reshape([1, -1]), tf.tensor1d([r]), { K: 3, J: 3, alpha, nu: 1e-3 });
      return loss.dataSync()[0];
    });
    const expected = referenceLoss(phi, centres, r, 3, 3, alpha, 1e-3);
    expect(expected).toBeGreaterThan(0);
    expect(Math.abs(value - expected) / expected).toBeLessThan(1e-4);
  });

  it('has gradients for phi and r and leaks no tensors', async () => {
    const { tf } = await initTfjsWasm();
    const before = tf.memory().numTensors;
    const phi = tf.tidy(() => tf.variable(tf.randomNormal([6, 3], 0, 1, 'float32', 1)));
    const r = tf.tidy(() => tf.variable(tf.tensor1d([1.5])));
    const c = tf.randomNormal([8, 3], 0, 1, 'float32', 2);
    const cT = tf.transpose(c);
    const cSq = tf.tidy(() => tf.sum(tf.square(c), 1).reshape([1, -1]));
    const { value, grads } = tf.variableGrads(() => cfaLoss(tf, phi as unknown as import('@tensorflow/tfjs').Tensor2D, cT as import('@tensorflow/tfjs').Tensor2D, cSq as import('@tensorflow/tfjs').Tensor2D, r, { K: 3, J: 3, alpha: 0.1, nu: 1e-3 }), [phi, r]);
    expect(Array.from(grads[phi.name].dataSync()).reduce((s, v) => s + Math.abs(v), 0)).toBeGreaterThan(0);
    expect(grads[r.name].dataSync()[0]).not.toBe(0);
    for (const t of [value, ...Object.values(grads), phi, r, c, cT, cSq]) t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
