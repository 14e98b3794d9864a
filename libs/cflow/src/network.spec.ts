import fc from 'fast-check';
import { createRng } from '@defectlab/datasets';
import { createSession, OnnxGraphBuilder, SeededRandom } from '@defectlab/ml-core';
import { declareDecoder, initCflowWeights, parameterCountOf, randomRotationT, trainableCount, type CflowShape } from './network';

function logAbsDet(a: Float64Array, n: number): number {
  const m = Float64Array.from(a);
  let sum = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    if (p !== c) for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k], m[c * n + k]];
    sum += Math.log(Math.abs(m[c * n + c]));
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c] / m[c * n + c];
      for (let k = c; k < n; k++) m[r * n + k] -= f * m[c * n + k];
    }
  }
  return sum;
}

describe('CFlow-AD decoder', () => {
  it('its rotations are orthogonal (Q Q^T = I) for any size', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constant(96)), fc.integer(), (n, seed) => {
        const t = randomRotationT(createRng(seed), n);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            let dot = 0;
            for (let k = 0; k < n; k++) dot += t[k * n + i] * t[k * n + j];
            expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-5);
          }
      }),
    );
  });

  it('counts its parameters as allocated', () => {
    const shape: CflowShape = { channels: [5, 8], conditionDim: 4, couplingBlocks: 3, hiddenRatio: 2, clamp: 1.9 };
    const w = initCflowWeights(shape, 2);
    expect(trainableCount(w)).toBe(parameterCountOf(shape).trainable);
    expect(w.rotations.flat().reduce((n, r) => n + r.data.length, 0)).toBe(parameterCountOf(shape).fixed);
    // stage 0: d = 3 + 4 = 7, hidden 14, out 4
    expect(parameterCountOf(shape).trainable).toBe(3 * (7 * 14 + 14 + 14 * 4 + 4 + 10) + 3 * (8 * 16 + 16 + 16 * 8 + 8 + 16));
  });

  it("its log-determinant equals log|det| of the decoder's numerical Jacobian (for a fixed condition)", async () => {
    const shape: CflowShape = { channels: [6], conditionDim: 4, couplingBlocks: 4, hiddenRatio: 2, clamp: 1.9 };
    const rng = new SeededRandom(11);
    const init = initCflowWeights(shape, 5);
    const weights = {
      ...init,
      params: [init.params[0].map((p) => ({ ...p, data: p.name.endsWith('.scale') ? p.data.map((v) => v + rng.normal()) : p.name.includes('fc') ? p.data.map((v) => v * 4) : p.data }))],
    };
    const g = new OnnxGraphBuilder({ name: 'jacobian' });
    const x = g.input('x', ['M', 6]);
    const cond = g.input('cond', ['M', 4]);
    const d = declareDecoder(g, weights, 0, x, cond, 2);
    g.output(d.z, 'z');
    g.output(d.logDet, 'logdet');
    const session = await createSession(g.toBytes());
    try {
      const n = 6;
      const x0 = rng.normalArray(n);
      const c0 = rng.normalArray(4);
      const eps = 1e-2;
      const rows = 2 * n + 1;
      const xs = new Float32Array(rows * n);
      const cs = new Float32Array(rows * 4);
      for (let r = 0; r < rows; r++) {
        xs.set(x0, r * n);
        cs.set(c0, r * 4);
      }
      for (let j = 0; j < n; j++) {
        xs[j * n + j] += eps;
        xs[(n + j) * n + j] -= eps;
      }
      const out = await session.run({ x: { data: xs, dims: [rows, n] }, cond: { data: cs, dims: [rows, 4] } });
      const jac = new Float64Array(n * n);
      for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) jac[i * n + j] = (out.z.data[j * n + i] - out.z.data[(n + j) * n + i]) / (2 * eps);
      const numeric = logAbsDet(jac, n);
      expect(Math.abs(numeric)).toBeGreaterThan(0.5);
      expect(Math.abs(out.logdet.data[2 * n] - numeric)).toBeLessThan(2e-3);
    } finally {
      await session.release();
    }
  });
});
