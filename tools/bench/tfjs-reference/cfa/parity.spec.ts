import * as ort from 'onnxruntime-node';
import { declareCfaLoss, gridCoordinates } from '@defectlab/cfa/parts';
import { appendGradients, OnnxGraphBuilder, SeededRandom } from '@defectlab/ml-core';
import { initTfjsWasm } from '../backend';
import { cfaLoss } from './loss';

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12);
}

describe('CFA loss declared as ONNX ops vs the TensorFlow.js implementation', () => {
  it('loss and the gradients of Wf, Wc, b and r on one fixed batch agree to 1e-4 relative', async () => {
    const { tf } = await initTfjsWasm();
    const rng = new SeededRandom(3);
    const [C, D, M, gh, gw, images] = [6, 5, 12, 3, 4, 2];
    const n = images * gh * gw;
    const x = rng.normalArray(n * C);
    const wf = rng.normalArray(C * D, 0.3);
    const wc = rng.normalArray(2 * D, 0.3);
    const b = rng.normalArray(D, 0.1);
    const centres = rng.normalArray(M * D);
    const coords = new Float32Array(n * 2);
    for (let i = 0; i < images; i++) coords.set(gridCoordinates(gh, gw), i * gh * gw * 2);
    const params = { K: 3, J: 3, alpha: 0.1, nu: 1e-3 };
    // r between the nearest distances, so both loss terms are active
    const radius = 2.2;

    const vars = [tf.variable(tf.tensor2d(wf, [C, D])), tf.variable(tf.tensor2d(wc, [2, D])), tf.variable(tf.tensor1d(b)), tf.variable(tf.tensor1d([radius]))];
    const c = tf.tensor2d(centres, [M, D]);
    const cT = tf.transpose(c) as import('@tensorflow/tfjs').Tensor2D;
    const cSq = tf.sum(tf.square(c), 1).reshape([1, -1]) as import('@tensorflow/tfjs').Tensor2D;
    const xt = tf.tensor2d(x, [n, C]);
    const ct = tf.tensor2d(coords, [n, 2]);
    const { value, grads } = tf.variableGrads(
      () => cfaLoss(tf, tf.add(tf.add(tf.matMul(xt, vars[0]), tf.matMul(ct, vars[1])), vars[2]) as import('@tensorflow/tfjs').Tensor2D, cT, cSq, vars[3], params),
      vars,
    );
    const tfLoss = value.dataSync()[0];
    const tfGrads = vars.map((v) => Float32Array.from(grads[v.name].dataSync()));
    tf.dispose([value, ...Object.values(grads), ...vars, c, cT, cSq, xt, ct]);

    const g = new OnnxGraphBuilder({ name: 'cfa-parity' });
    const xi = g.input('x', [n, C]);
    const p = { wf: g.initializer('wf', wf, [C, D]), wc: g.initializer('wc', wc, [2, D]), b: g.initializer('b', b, [D]), r: g.initializer('r', Float32Array.of(radius), [1]) };
    const loss = declareCfaLoss(g, xi, g.initializer('coords', coords, [n, 2]), p, centres, { n, d: D }, params);
    const { gradients } = appendGradients(g, { loss, wrt: [p.wf, p.wc, p.b, p.r], model: 'cfa' });
    g.output(loss, 'loss', []);
    gradients.forEach((d, i) => g.output(d, `grad${i}`));
    const session = await ort.InferenceSession.create(g.toBytes(), { logSeverityLevel: 3 });
    const out = await session.run({ x: new ort.Tensor('float32', x, [n, C]) });
    await session.release();

    expect(tfLoss).toBeGreaterThan(0);
    expect(Math.abs(Number(out.loss.data[0]) - tfLoss)).toBeLessThanOrEqual(1e-4 * Math.abs(tfLoss));
    const errors = tfGrads.map((t, i) => relativeError(out[`grad${i}`].data as Float32Array, t));
    expect(Math.max(...errors)).toBeLessThanOrEqual(1e-4);
    expect(tfGrads.every((t) => t.some((v) => v !== 0))).toBe(true);
  }, 120_000); // builds and runs a training graph: seconds on a quiet machine, more under a shared CI load
});
