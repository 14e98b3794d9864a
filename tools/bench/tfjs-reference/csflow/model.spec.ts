import type * as tfType from '@tensorflow/tfjs';
import { initTfjsWasm } from '../backend';
import { CsFlowNet } from './model';
import { seededScales, tinyNet, TINY_SHAPE } from './tiny-flow';

/**
 * The reference network itself (the product's ONNX network has its own log-det and parameter-count checks in
 * libs/csflow/src/network.spec.ts, and parity.spec.ts ties the two together).
 */
describe('CsFlowNet (TensorFlow.js reference)', () => {
  let tf: typeof tfType;
  beforeAll(async () => {
    tf = (await initTfjsWasm()).tf;
  });

  it('is exactly invertible: inverse(forward(x)) = x', () => {
    const net = tinyNet(tf);
    try {
      tf.tidy(() => {
        const xs = seededScales(tf, 2, 8, TINY_SHAPE.channels, 3);
        const { zs, logDet } = net.forward(xs);
        // Non-trivial transform: z differs from x and the log-det is not zero.
        expect(tf.max(tf.abs(tf.sub(zs[0], xs[0]))).dataSync()[0]).toBeGreaterThan(0.05);
        expect(Math.abs(logDet.dataSync()[0])).toBeGreaterThan(0.1);
        const back = net.inverse(zs);
        back.forEach((b, i) => expect(tf.max(tf.abs(tf.sub(b, xs[i]))).dataSync()[0]).toBeLessThan(1e-5));
      });
    } finally {
      net.dispose();
    }
  });

  it('is the identity at initialisation (gamma = 0) and deterministic given a seed', () => {
    const a = new CsFlowNet(tf, TINY_SHAPE, 42);
    const b = new CsFlowNet(tf, TINY_SHAPE, 42);
    const c = new CsFlowNet(tf, TINY_SHAPE, 43);
    try {
      const va = a.variables();
      const vb = b.variables();
      const vc = c.variables();
      expect(va.every((v, i) => tf.equal(v, vb[i]).all().dataSync()[0] === 1)).toBe(true);
      expect(va.some((v, i) => tf.equal(v, vc[i]).all().dataSync()[0] === 0)).toBe(true);
      tf.tidy(() => {
        const xs = seededScales(tf, 1, 8, TINY_SHAPE.channels, 1);
        const { logDet } = a.forward(xs);
        expect(logDet.dataSync()[0]).toBe(0);
      });
    } finally {
      a.dispose();
      b.dispose();
      c.dispose();
    }
  });
});
