import { createSession, OnnxGraphBuilder, SeededRandom } from '@defectlab/ml-core';
import { declareFastflow, globalScale, GLOBAL_SCALE_INIT, initFastflowWeights, parameterCount, parameterCountOf, type FastflowShape } from './network';

/** log|det| of a dense n x n matrix (row-major) by LU with partial pivoting, float64. */
function logAbsDet(a: Float64Array, n: number): number {
  const m = Float64Array.from(a);
  let sum = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    if (p !== c) for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k], m[c * n + k]];
    const piv = m[c * n + c];
    sum += Math.log(Math.abs(piv));
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c] / piv;
      for (let k = c; k < n; k++) m[r * n + k] -= f * m[c * n + k];
    }
  }
  return sum;
}

describe('FastFlow network', () => {
  it('the global scale starts at 1 (FrEIA SOFTPLUS init)', () => {
    expect(globalScale(GLOBAL_SCALE_INIT)).toBeCloseTo(1, 12);
  });

  it('counts its parameters as allocated (norm affine, convs, global scale and offset)', () => {
    const shape: FastflowShape = { stages: [{ channels: 5, height: 3, width: 4 }, { channels: 8, height: 2, width: 2 }], flowSteps: 3, hiddenRatio: 0.5, conv3x3Only: false, clamp: 2 };
    expect(parameterCount(initFastflowWeights(shape, 1))).toBe(parameterCountOf(shape));
    // stage 0: c1 = 3, c2 = 2, hidden 1; steps k = 3, 1, 3
    const s0 = 2 * 5 * 12 + [9, 1, 9].reduce((n, kk) => n + (1 * 3 * kk + 1) + (4 * 1 * kk + 4) + 10, 0);
    const s1 = 2 * 8 * 4 + [9, 1, 9].reduce((n, kk) => n + (2 * 4 * kk + 2) + (8 * 2 * kk + 8) + 16, 0);
    expect(parameterCountOf(shape)).toBe(s0 + s1);
  });

  it("its log-determinant equals log|det| of the flow's numerical Jacobian", async () => {
    // trained-looking weights: the scales and offsets moved away from their init
    const shape: FastflowShape = { stages: [{ channels: 4, height: 2, width: 2 }], flowSteps: 4, hiddenRatio: 1, conv3x3Only: false, clamp: 2 };
    const rng = new SeededRandom(7);
    const init = initFastflowWeights(shape, 3);
    const weights = {
      ...init,
      params: init.params.map((p) => ({ ...p, data: p.name.endsWith('.scale') ? p.data.map((v) => v + rng.normal()) : p.name.includes('conv') ? p.data.map((v) => v * 8) : p.data })),
    };
    const g = new OnnxGraphBuilder({ name: 'jacobian' });
    const x = g.input('x', ['N', 4, 2, 2]);
    const flow = declareFastflow(g, weights, [x], { layerNorm: false });
    g.output(flow.zs[0], 'z');
    g.output(flow.logDets[0], 'logdet');
    const session = await createSession(g.toBytes());
    try {
      const d = 16;
      const x0 = rng.normalArray(d);
      const eps = 1e-2;
      // rows 0..d-1: x0 + eps e_j, rows d..2d-1: x0 - eps e_j, row 2d: x0
      const batch = new Float32Array((2 * d + 1) * d);
      for (let j = 0; j < d; j++) {
        batch.set(x0, j * d);
        batch[j * d + j] += eps;
        batch.set(x0, (d + j) * d);
        batch[(d + j) * d + j] -= eps;
      }
      batch.set(x0, 2 * d * d);
      const out = await session.run({ x: { data: batch, dims: [2 * d + 1, 4, 2, 2] } });
      const jac = new Float64Array(d * d);
      for (let j = 0; j < d; j++) for (let i = 0; i < d; i++) jac[i * d + j] = (out.z.data[j * d + i] - out.z.data[(d + j) * d + i]) / (2 * eps);
      const numeric = logAbsDet(jac, d);
      expect(Math.abs(numeric)).toBeGreaterThan(1); // a non-trivial volume change
      expect(Math.abs(out.logdet.data[2 * d] - numeric)).toBeLessThan(2e-2);
    } finally {
      await session.release();
    }
  });
});
