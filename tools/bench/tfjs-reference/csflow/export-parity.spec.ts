import type * as tfType from '@tensorflow/tfjs';
import { buildFlowOnnx, imageScores, positionScores, type Reduction } from '@defectlab/csflow/parts';
import { createSession, openSessionCount, type Tensor } from '@defectlab/ml-core';
import { createRng } from '@defectlab/datasets';
import { initTfjsWasm } from '../backend';
import { tinyNet, toFlowInput } from './tiny-flow';

function seededNchw(n: number, c: number, side: number, seed: number): Tensor {
  const rng = createRng(seed);
  const data = new Float32Array(n * c * side * side);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { data, dims: [n, c, side, side] };
}

describe('buildFlowOnnx', () => {
  let tf: typeof tfType;
  beforeAll(async () => {
    tf = (await initTfjsWasm()).tf;
  });

  it.each([
    ['without reduction', 6, null],
    ['with a 1x1 reduction 10 -> 6', 10, 6],
  ])('onnxruntime scores match the TF.js flow to 1e-4 relative (%s)', async (_name, cb, reduceTo) => {
    const shape = { channels: 6, hiddenChannels: 8, kernelSizes: [3, 5], clamp: 3, leakySlope: 0.1 };
    const net = tinyNet(tf, shape, 8, 0.6);
    const rng = createRng(3);
    const reduction: Reduction | null = reduceTo
      ? {
          inChannels: cb,
          outChannels: reduceTo,
          weight: Float32Array.from({ length: cb * reduceTo }, () => rng.normal() / Math.sqrt(cb)),
          bias: Float32Array.from({ length: reduceTo }, () => rng.normal() * 0.1),
        }
      : null;
    const feats = [8, 4, 2].map((s, i) => seededNchw(3, cb, s, 20 + i));
    const sessionsBefore = openSessionCount();
    const session = await createSession(buildFlowOnnx(net.toFlowWeights(), { reduction, inputChannels: cb }));
    try {
      const out = await session.run({ feat0: feats[0], feat1: feats[1], feat2: feats[2] });
      const onnxPos = [out.pos0, out.pos1, out.pos2];
      const zs = tf.tidy(() => net.forward(feats.map((f) => toFlowInput(tf, f, reduction))).zs.map((z) => tf.transpose(z, [0, 3, 1, 2])));
      const tfPos = zs.map((z) => positionScores({ data: z.dataSync() as Float32Array, dims: z.shape }));
      tf.dispose(zs);
      for (let i = 0; i < 3; i++) {
        expect(onnxPos[i].dims).toEqual(tfPos[i].dims);
        for (let k = 0; k < tfPos[i].data.length; k++) {
          expect(Math.abs(onnxPos[i].data[k] - tfPos[i].data[k])).toBeLessThanOrEqual(1e-4 * Math.max(1e-3, Math.abs(tfPos[i].data[k])));
        }
      }
      const a = imageScores(onnxPos, 'mean');
      const b = imageScores(tfPos, 'mean');
      a.forEach((v, i) => expect(Math.abs(v - b[i]) / Math.abs(b[i])).toBeLessThan(1e-4));
      // The flow is far from the identity here, so agreement is not trivial.
      const identity = imageScores([0, 1, 2].map((i) => positionScores(toNchwReduced(feats[i], reduction))), 'mean');
      expect(Math.abs(identity[0] - b[0]) / b[0]).toBeGreaterThan(0.01);
    } finally {
      await session.release();
      net.dispose();
    }
    expect(openSessionCount()).toBe(sessionsBefore);
  });
});

/** Applies the reduction in plain JS (NCHW -> NCHW). */
function toNchwReduced(x: Tensor, r: Reduction | null): Tensor {
  if (!r) return x;
  const [n, cb, h, w] = x.dims;
  const plane = h * w;
  const out = new Float32Array(n * r.outChannels * plane);
  for (let i = 0; i < n; i++)
    for (let o = 0; o < r.outChannels; o++)
      for (let p = 0; p < plane; p++) {
        let v = r.bias[o];
        for (let c = 0; c < cb; c++) v += r.weight[o * cb + c] * x.data[(i * cb + c) * plane + p];
        out[(i * r.outChannels + o) * plane + p] = v;
      }
  return { data: out, dims: [n, r.outChannels, h, w] };
}
