import fc from 'fast-check';
import { OnnxGraphBuilder } from '../onnx';
import { SeededRandom } from '../random';
import type { OptimizerSettings } from './optimizer-graph';
import { buildTrainingGraph, type TrainingGraph } from './training-graph';
import { NonFiniteLossError, TrainingSession } from './training-session';

/** Reference Adam/AdamW step in float64, written from the PyTorch docs (independent of the graph). */
function referenceStep(s: OptimizerSettings, p: number[], m: number[], v: number[], vmax: number[], grad: number[], t: number, lr: number): void {
  const norm = Math.sqrt(grad.reduce((a, g) => a + g * g, 0));
  const clip = s.gradClipNorm > 0 && norm > s.gradClipNorm ? s.gradClipNorm / (norm + 1e-6) : 1;
  for (let i = 0; i < p.length; i++) {
    let g = grad[i] * clip;
    if (s.kind === 'adam') g += s.weightDecay * p[i];
    else p[i] *= 1 - lr * s.weightDecay;
    m[i] = s.beta1 * m[i] + (1 - s.beta1) * g;
    v[i] = s.beta2 * v[i] + (1 - s.beta2) * g * g;
    vmax[i] = Math.max(vmax[i], v[i]);
    const second = s.kind === 'adamw' && s.amsgrad ? vmax[i] : v[i];
    const mHat = m[i] / (1 - s.beta1 ** t);
    p[i] -= (lr * mHat) / (Math.sqrt(second) / Math.sqrt(1 - s.beta2 ** t) + s.eps);
  }
}

/** loss = sum(p * G): the gradient of p is exactly the fed G, so the update alone is under test. */
function linearProbe(n: number, init: Float32Array, optimizer: OptimizerSettings): TrainingGraph {
  const g = new OnnxGraphBuilder({ name: 'probe' });
  const grad = g.input('G', [n]);
  const p = g.initializer('p', init, [n]);
  const loss = g.reduceSum(g.mul(p, grad), [0], false);
  return buildTrainingGraph({ model: 'probe', builder: g, loss, params: [p], optimizer });
}

const settings = fc.record({
  kind: fc.constantFrom<'adam' | 'adamw'>('adam', 'adamw'),
  beta1: fc.double({ min: 0.5, max: 0.95, noNaN: true }),
  beta2: fc.double({ min: 0.9, max: 0.999, noNaN: true }),
  eps: fc.constantFrom(1e-8, 1e-6, 1e-3),
  weightDecay: fc.constantFrom(0, 1e-5, 1e-2),
  gradClipNorm: fc.constantFrom(0, 0.5, 10),
  amsgrad: fc.boolean(),
});

describe('the in-graph optimizer', () => {
  it('matches a float64 reference Adam/AdamW (clipping, weight decay, bias correction, AMSGrad) over 3 steps', async () => {
    await fc.assert(
      fc.asyncProperty(settings, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 2 ** 30 }), fc.double({ min: 1e-4, max: 0.1, noNaN: true }), async (s, n, seed, lr) => {
        const rng = new SeededRandom(seed);
        const init = rng.normalArray(n);
        const session = await TrainingSession.create(linearProbe(n, init, s));
        try {
          const p = Array.from(init);
          const m = new Array<number>(n).fill(0);
          const v = new Array<number>(n).fill(0);
          const vmax = new Array<number>(n).fill(0);
          for (let t = 1; t <= 3; t++) {
            const grad = Array.from(rng.normalArray(n, t === 2 ? 5 : 1)); // step 2 exceeds the clip norm
            const r = await session.trainStep({ G: { data: Float32Array.from(grad), dims: [n] } }, lr);
            expect(r.gradNorm).toBeCloseTo(Math.sqrt(grad.reduce((a, x) => a + Math.fround(x) ** 2, 0)), 4);
            referenceStep(s, p, m, v, vmax, grad.map(Math.fround), t, lr);
          }
          const got = session.parameters().get('p') as Float32Array;
          p.forEach((x, i) => expect(Math.abs(got[i] - x)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(x))));
          expect(session.step).toBe(3);
        } finally {
          await session.release();
        }
      }),
    );
  });
});

/** A two-layer perceptron fitting fixed random targets with an MSE loss. */
function tinyRegression(seed: number): { graph: TrainingGraph; batch: Record<string, { data: Float32Array; dims: number[] }> } {
  const rng = new SeededRandom(seed);
  const g = new OnnxGraphBuilder({ name: 'tiny' });
  const x = g.input('x', [16, 4]);
  const target = g.input('target', [16, 2]);
  const w1 = g.initializer('w1', rng.normalArray(4 * 8, 0.5), [4, 8]);
  const b1 = g.initializer('b1', new Float32Array(8), [8]);
  const w2 = g.initializer('w2', rng.normalArray(8 * 2, 0.5), [8, 2]);
  const h = g.leakyRelu(g.add(g.matMul(x, w1), b1), 0.1);
  const err = g.sub(g.matMul(h, w2), target);
  const loss = g.reduceMean(g.mul(err, err), [0, 1], false);
  const graph = buildTrainingGraph({
    model: 'tiny',
    builder: g,
    loss,
    params: [w1, b1, w2],
    optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, gradClipNorm: 1 },
  });
  const data = rng.normalArray(16 * 4);
  return { graph, batch: { x: { data, dims: [16, 4] }, target: { data: rng.normalArray(16 * 2), dims: [16, 2] } } };
}

describe('TrainingSession', () => {
  it("drops a tiny model's loss: one run = forward + backward + update", async () => {
    const { graph, batch } = tinyRegression(3);
    const session = await TrainingSession.create(graph);
    try {
      const first = await session.trainStep(batch, 0.02);
      let last = first;
      for (let i = 0; i < 150; i++) last = await session.trainStep(batch, 0.02);
      expect(last.loss).toBeLessThan(0.5 * first.loss);
      expect(session.step).toBe(151);
    } finally {
      await session.release();
    }
  });

  it('a resumed state continues exactly where the exported one stopped', async () => {
    const { graph, batch } = tinyRegression(4);
    const a = await TrainingSession.create(graph);
    const b = await TrainingSession.create(graph);
    try {
      for (let i = 0; i < 5; i++) await a.trainStep(batch, 0.01);
      b.setState(a.exportState());
      const ra = await a.trainStep(batch, 0.01);
      const rb = await b.trainStep(batch, 0.01);
      expect(rb.loss).toBe(ra.loss);
      expect(b.parameters().get('w1')).toEqual(a.parameters().get('w1'));
      expect(b.step).toBe(6);
    } finally {
      await a.release();
      await b.release();
    }
  });

  it('a NaN loss throws NonFiniteLossError and keeps the last finite state', async () => {
    const { graph, batch } = tinyRegression(5);
    const session = await TrainingSession.create(graph);
    try {
      await session.trainStep(batch, 0.01);
      const before = session.exportState();
      const poisoned = { ...batch, x: { data: batch.x.data.map((v, i) => (i === 3 ? NaN : v)), dims: batch.x.dims } };
      await expect(session.trainStep(poisoned, 0.01)).rejects.toThrow(NonFiniteLossError);
      expect(session.step).toBe(1);
      expect(session.exportState().tensors.get('w1')).toEqual(before.tensors.get('w1'));
    } finally {
      await session.release();
    }
  });

  it('refuses a state whose tensor sizes do not match the graph, naming the tensor', async () => {
    const { graph } = tinyRegression(6);
    const session = await TrainingSession.create(graph);
    try {
      const state = session.exportState();
      const tensors = new Map(state.tensors);
      tensors.set('w1', new Float32Array(3));
      expect(() => session.setState({ step: 1, tensors })).toThrow(/"w1" has 3 values/);
    } finally {
      await session.release();
    }
  });
});
