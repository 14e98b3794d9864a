import * as ort from 'onnxruntime-node';
import type * as tfType from '@tensorflow/tfjs';
import { createRng } from '@defectlab/datasets';
import { declareFlow, declareFlowLoss, flowParameters, initFlowWeights, toOnnxFilter, withParameters, type FlowShape } from '@defectlab/csflow/parts';
import { appendGradients, OnnxGraphBuilder } from '@defectlab/ml-core';
import { initTfjsWasm } from '../backend';
import { flowNll } from './loss';
import { CsFlowNet } from './model';
import { upsample2x } from './cross-conv';

const SHAPE: FlowShape = { channels: 4, hiddenChannels: 6, kernelSizes: [3, 5], clamp: 3, leakySlope: 0.1 };
const N = 2;
const SIDES = [8, 4, 2];

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12);
}

/** The TF.js network's variables in ONNX layout, in flowParameters order. */
function tfParameters(net: CsFlowNet): Float32Array[] {
  return net.variables().map((v) => {
    const data = v.dataSync() as Float32Array;
    if (v.shape.length !== 4) return Float32Array.from(data);
    const [k, , cin, cout] = v.shape;
    return toOnnxFilter(data, k, cin, cout);
  });
}

describe('CS-Flow declared as ONNX ops vs the TensorFlow.js implementation', () => {
  let tf: typeof tfType;
  beforeAll(async () => {
    tf = (await initTfjsWasm()).tf;
  });

  it("the TF.js reference's upsample2x gradient equals central differences of its forward (half-pixel centres)", () => {
    // TF.js's own ResizeBilinearGrad fails this (it ignores half-pixel centres): cross-conv.ts replaces it
    const rng = createRng(12);
    const dims: [number, number, number, number] = [1, 3, 4, 2];
    const x = Float32Array.from({ length: 24 }, () => rng.normal());
    const r = Float32Array.from({ length: 1 * 6 * 8 * 2 }, () => rng.normal());
    const v = Float32Array.from({ length: 24 }, () => rng.normal());
    const loss = (t: tfType.Tensor4D): tfType.Scalar => tf.sum(tf.mul(upsample2x(tf, t), tf.tensor4d(r, [1, 6, 8, 2])));
    const grad = tf.tidy(() => tf.grad((t: tfType.Tensor) => loss(t as tfType.Tensor4D))(tf.tensor4d(x, dims)).dataSync());
    const at = (eps: number) => tf.tidy(() => loss(tf.tensor4d(x.map((xi, i) => xi + eps * v[i]), dims)).dataSync()[0]);
    const numeric = (at(0.5) - at(-0.5)) / 1; // linear: exact up to rounding
    const analytic = Array.from(grad).reduce((s, gi, i) => s + gi * v[i], 0);
    expect(Math.abs(numeric - analytic)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(analytic)));
  });

  it('initFlowWeights draws the same initial network as CsFlowNet for a seed', () => {
    const net = new CsFlowNet(tf, SHAPE, 5);
    try {
      const ours = flowParameters(initFlowWeights(SHAPE, 5));
      const theirs = tfParameters(net);
      expect(ours.map((p) => p.data)).toEqual(theirs);
      expect(initFlowWeights(SHAPE, 5).blocks.map((b) => Array.from(b.perm))).toEqual(net.blocks.map((b) => Array.from(b.perm)));
    } finally {
      net.dispose();
    }
  });

  it('loss and every parameter gradient on one fixed batch agree to 1e-4 relative (same weights)', async () => {
    const net = new CsFlowNet(tf, SHAPE, 9);
    const rng = createRng(4);
    // non-zero gammas: at gamma = 0 every conv's gradient vanishes
    for (const b of net.blocks) for (const s of [b.subnetA, b.subnetB]) s.gamma.assign(tf.tensor1d([0, 1, 2].map(() => 0.3 + 0.6 * rng.next())));
    const feats = SIDES.map((s) => Float32Array.from({ length: N * SHAPE.channels * s * s }, () => rng.normal() + 0.5));
    try {
      // TF.js: NHWC
      const xs = feats.map((f, i) => tf.tidy(() => tf.transpose(tf.tensor4d(f, [N, SHAPE.channels, SIDES[i], SIDES[i]]), [0, 2, 3, 1]) as tfType.Tensor4D));
      const { value, grads } = tf.variableGrads(() => {
        const out = net.forward(xs);
        return flowNll(tf, out.zs, out.logDet);
      }, net.variables());
      const tfLoss = value.dataSync()[0];
      const tfGrads = net.variables().map((v) => {
        const d = grads[v.name].dataSync() as Float32Array;
        if (v.shape.length !== 4) return Float32Array.from(d);
        const [k, , cin, cout] = v.shape;
        return toOnnxFilter(d, k, cin, cout);
      });
      tf.dispose([value, ...Object.values(grads), ...xs]);

      // ONNX: the same weights
      const base = initFlowWeights(SHAPE, 9);
      const names = flowParameters(base).map((p) => p.name);
      const weights = withParameters(base, new Map(names.map((n, i) => [n, tfParameters(net)[i]])));
      const g = new OnnxGraphBuilder({ name: 'csflow-parity' });
      const inputs = SIDES.map((s, i) => g.input(`feat${i}`, [N, SHAPE.channels, s, s]));
      const flow = declareFlow(g, weights, inputs);
      const loss = declareFlowLoss(g, flow.zs, flow.logDet, SIDES.map((s) => [N, SHAPE.channels, s, s]));
      const { gradients } = appendGradients(g, { loss, wrt: flow.params, model: 'csflow' });
      g.output(loss, 'loss', []);
      gradients.forEach((d, i) => g.output(d, `grad${i}`));
      const session = await ort.InferenceSession.create(g.toBytes(), { logSeverityLevel: 3 });
      const out = await session.run(Object.fromEntries(feats.map((f, i) => [`feat${i}`, new ort.Tensor('float32', f, [N, SHAPE.channels, SIDES[i], SIDES[i]])])));
      await session.release();

      expect(Math.abs(Number(out.loss.data[0]) - tfLoss)).toBeLessThanOrEqual(1e-4 * Math.abs(tfLoss));
      const errors = names.map((n, i) => [n, relativeError(out[`grad${i}`].data as Float32Array, tfGrads[i])] as const);
      const worst = errors.reduce((a, b) => (b[1] > a[1] ? b : a));
      expect({ worst: worst[0], error: worst[1] <= 1e-4 ? 'ok' : worst[1] }).toEqual({ worst: worst[0], error: 'ok' });
    } finally {
      net.dispose();
    }
  }, 120_000); // builds and runs a training graph: seconds on a quiet machine, more under a shared CI load
});
