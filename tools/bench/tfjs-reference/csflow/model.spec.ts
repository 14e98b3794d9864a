import type * as tfType from '@tensorflow/tfjs';
import { flowParameterCount } from '@defectlab/csflow';
import { initTfjsWasm } from '../backend';
import { CsFlowNet } from './model';
import { seededScales, tinyNet, TINY_SHAPE } from './tiny-flow';

/** log|det| of a dense square matrix (row-major, float64) by LU with partial pivoting. */
function logAbsDet(a: Float64Array, n: number): number {
  const m = Float64Array.from(a);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i * n + k]) > Math.abs(m[p * n + k])) p = i;
    if (p !== k) for (let j = 0; j < n; j++) [m[k * n + j], m[p * n + j]] = [m[p * n + j], m[k * n + j]];
    const piv = m[k * n + k];
    sum += Math.log(Math.abs(piv));
    for (let i = k + 1; i < n; i++) {
      const f = m[i * n + k] / piv;
      for (let j = k; j < n; j++) m[i * n + j] -= f * m[k * n + j];
    }
  }
  return sum;
}

describe('CsFlowNet', () => {
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

  it('log-det equals log|det| of the finite-difference Jacobian', () => {
    const shape = { ...TINY_SHAPE, channels: 2, hiddenChannels: 4 };
    const net = tinyNet(tf, shape, 5, 0.5);
    try {
      const base = seededScales(tf, 1, 4, 2, 9);
      const flat = (ts: tfType.Tensor[]): Float32Array => Float32Array.from(ts.flatMap((t) => Array.from(t.dataSync())));
      const x0 = flat(base);
      const sizes = base.map((t) => t.size);
      const shapes = base.map((t) => t.shape as [number, number, number, number]);
      const run = (x: Float32Array): { z: Float32Array; logDet: number } =>
        tf.tidy(() => {
          let off = 0;
          const xs = sizes.map((s, i) => {
            const t = tf.tensor4d(x.subarray(off, off + s), shapes[i]);
            off += s;
            return t;
          });
          const out = net.forward(xs);
          return { z: flat(out.zs), logDet: out.logDet.dataSync()[0] };
        });
      const d = x0.length;
      const jac = new Float64Array(d * d);
      const eps = 1e-2;
      for (let j = 0; j < d; j++) {
        const xp = Float32Array.from(x0);
        const xm = Float32Array.from(x0);
        xp[j] += eps;
        xm[j] -= eps;
        const zp = run(xp).z;
        const zm = run(xm).z;
        for (let i = 0; i < d; i++) jac[i * d + j] = (zp[i] - zm[i]) / (2 * eps);
      }
      const numeric = logAbsDet(jac, d);
      const analytic = run(x0).logDet;
      expect(Math.abs(analytic)).toBeGreaterThan(0.5);
      expect(Math.abs(numeric - analytic)).toBeLessThan(2e-3 * Math.max(1, Math.abs(analytic)));
      tf.dispose(base);
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

  it('counts parameters as the closed-form formula does, incl. the paper setting (~275 M)', () => {
    const net = new CsFlowNet(tf, TINY_SHAPE, 1);
    try {
      expect(net.parameterCount()).toBe(flowParameterCount({ featureChannels: 4, hiddenChannels: 6, kernelSizes: [3, 5] }));
    } finally {
      net.dispose();
    }
    const paper = flowParameterCount({ featureChannels: 304, hiddenChannels: 1024, kernelSizes: [3, 3, 3, 5] });
    expect(paper).toBeGreaterThan(270e6);
    expect(paper).toBeLessThan(280e6);
  });
});
