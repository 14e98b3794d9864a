import { createRng } from '@defectlab/datasets';
import { OnnxGraphBuilder, runSession, type Tensor } from '@defectlab/ml-core';
import { flowParameterCount } from './config';
import { declareFlow, flowParameters, flowWeightCount, initFlowWeights, withParameters, type FlowShape, type FlowWeights } from './network';

const SHAPE: FlowShape = { channels: 4, hiddenChannels: 6, kernelSizes: [3, 5], clamp: 3, leakySlope: 0.1 };

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

/** The seeded network with non-zero gammas, so every block is far from the identity it starts as. */
function awayFromIdentity(shape: FlowShape, seed: number, gamma: number): FlowWeights {
  const base = initFlowWeights(shape, seed);
  const rng = createRng(seed + 100);
  const values = new Map(flowParameters(base).map((p) => [p.name, p.name.endsWith('.gamma') ? Float32Array.from(p.data, () => gamma * (0.5 + rng.next())) : p.data]));
  return withParameters(base, values);
}

/** Runs the declared flow forward: latents per scale (NCHW) and log|det J| per sample. */
async function runFlow(weights: FlowWeights, xs: readonly Tensor[]): Promise<{ zs: Tensor[]; logDet: Float32Array }> {
  const g = new OnnxGraphBuilder({ name: 'flow' });
  const flow = declareFlow(g, weights, xs.map((x, i) => g.input(`x${i}`, x.dims)));
  flow.zs.forEach((z, i) => g.output(z, `z${i}`, xs[i].dims));
  g.output(flow.logDet, 'logDet', [xs[0].dims[0]]);
  const out = await runSession(g.toBytes(), Object.fromEntries(xs.map((x, i) => [`x${i}`, x])));
  return { zs: xs.map((_, i) => out[`z${i}`]), logDet: out.logDet.data };
}

/** Seeded N(0, 1) inputs at sides S, S/2, S/4. */
function seededScales(n: number, side: number, channels: number, seed: number): Tensor[] {
  const rng = createRng(seed);
  return [side, side / 2, side / 4].map((s) => ({ data: Float32Array.from({ length: n * channels * s * s }, () => rng.normal()), dims: [n, channels, s, s] }));
}

describe('the CS-Flow network declared as ONNX ops', () => {
  it('is only the blocks\' channel permutations at initialisation (gamma = 0): log|det J| = 0', async () => {
    const weights = initFlowWeights(SHAPE, 42);
    const xs = seededScales(2, 8, SHAPE.channels, 1);
    const { zs, logDet } = await runFlow(weights, xs);
    expect(Array.from(logDet, Math.abs)).toEqual([0, 0]);
    // block b maps channel j to channel perm_b[j]: z channel j is x channel (perm_0 o perm_1 o ...)[j]
    let source = Array.from({ length: SHAPE.channels }, (_, j) => j);
    for (const b of weights.blocks) source = Array.from(b.perm, (p) => source[p]);
    expect(source).not.toEqual(source.map((_, j) => j));
    zs.forEach((z, i) => {
      const [n, c, h, w] = z.dims;
      const plane = h * w;
      const expected = new Float32Array(z.data.length);
      for (let k = 0; k < n; k++) for (let j = 0; j < c; j++) expected.set(xs[i].data.subarray((k * c + source[j]) * plane, (k * c + source[j] + 1) * plane), (k * c + j) * plane);
      expect(Array.from(z.data)).toEqual(Array.from(expected));
    });
  });

  it('log|det J| equals log|det| of the finite-difference Jacobian, far from the identity', async () => {
    const shape = { ...SHAPE, channels: 2, hiddenChannels: 4 };
    const weights = awayFromIdentity(shape, 5, 0.5);
    const base = seededScales(1, 4, shape.channels, 9);
    const sizes = base.map((t) => t.data.length);
    const d = sizes.reduce((a, b) => a + b, 0);
    const x0 = Float32Array.from(base.flatMap((t) => Array.from(t.data)));
    // one batch: sample 0 is x0, samples 2j+1 and 2j+2 are x0 -/+ eps along coordinate j
    const eps = 1e-2;
    const n = 2 * d + 1;
    const batch = base.map((t, s) => ({ data: new Float32Array(n * sizes[s]), dims: [n, ...t.dims.slice(1)] }));
    for (let b = 0; b < n; b++) {
      const x = Float32Array.from(x0);
      if (b > 0) x[(b - 1) >> 1] += (b % 2 === 1 ? -1 : 1) * eps;
      let off = 0;
      batch.forEach((t, s) => {
        t.data.set(x.subarray(off, off + sizes[s]), b * sizes[s]);
        off += sizes[s];
      });
    }
    const { zs, logDet } = await runFlow(weights, batch);
    const zAt = (b: number, i: number): number => {
      let s = 0;
      for (; i >= sizes[s]; s++) i -= sizes[s];
      return zs[s].data[b * sizes[s] + i];
    };
    const jac = new Float64Array(d * d);
    for (let j = 0; j < d; j++) for (let i = 0; i < d; i++) jac[i * d + j] = (zAt(2 * j + 2, i) - zAt(2 * j + 1, i)) / (2 * eps);
    const numeric = logAbsDet(jac, d);
    const analytic = logDet[0];
    expect(Math.abs(analytic)).toBeGreaterThan(0.5);
    expect(Math.abs(numeric - analytic)).toBeLessThan(2e-3 * Math.max(1, Math.abs(analytic)));
  });

  it('draws the same weights for the same seed and different ones for another seed', () => {
    const data = (seed: number) => flowParameters(initFlowWeights(SHAPE, seed)).map((p) => Array.from(p.data));
    expect(data(42)).toEqual(data(42));
    expect(data(43)).not.toEqual(data(42));
  });

  it('has as many parameters as the closed-form count, incl. the paper setting (~275 M)', () => {
    expect(flowWeightCount(initFlowWeights(SHAPE, 1))).toBe(flowParameterCount({ featureChannels: 4, hiddenChannels: 6, kernelSizes: [3, 5] }));
    const paper = flowParameterCount({ featureChannels: 304, hiddenChannels: 1024, kernelSizes: [3, 3, 3, 5] });
    expect(paper).toBeGreaterThan(270e6);
    expect(paper).toBeLessThan(280e6);
  });
});
