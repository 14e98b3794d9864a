/**
 * The TensorFlow.js reference of the CS-Flow network (what the product trained on before the ONNX engine):
 * `blocks` coupling blocks over three feature scales (NHWC tensors, scale 0 finest). Weights are
 * TensorFlow.js variables created deterministically from a seed, the same as libs/csflow's initFlowWeights.
 */
import type * as tfType from '@tensorflow/tfjs';
import { createRng, randomPermutation, type Rng } from '@defectlab/datasets';
import { couplingForward, couplingInverse, type CouplingParams } from './coupling';
import type { ConvParams, CrossConvParams } from './cross-conv';
import { toOnnxFilter, type ConvWeights, type FlowShape, type FlowWeights, type SubnetWeights } from '@defectlab/csflow/parts';

type Tf = typeof tfType;

export type { FlowShape } from '@defectlab/csflow/parts';

export interface FlowOutput {
  /** Latents per scale, same shapes as the inputs. */
  readonly zs: tfType.Tensor4D[];
  /** Total log|det J| per sample, [N]. */
  readonly logDet: tfType.Tensor1D;
}

/** Uniform(-1/sqrt(fanIn), 1/sqrt(fanIn)): PyTorch's default Conv2d init for weights and biases. */
function initConv(tf: Tf, rng: Rng, name: string, k: number, cin: number, cout: number, stride: 1 | 2): ConvParams {
  const bound = 1 / Math.sqrt(cin * k * k);
  const w = new Float32Array(k * k * cin * cout);
  for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-bound, bound);
  const b = new Float32Array(cout);
  for (let i = 0; i < b.length; i++) b[i] = rng.uniform(-bound, bound);
  return tf.tidy(() => ({
    w: tf.variable(tf.tensor4d(w, [k, k, cin, cout]), true, `${name}.w`),
    b: tf.variable(tf.tensor1d(b), true, `${name}.b`),
    stride,
  }));
}

function initCrossConv(tf: Tf, rng: Rng, name: string, k: number, cin: number, hidden: number, cout: number): CrossConvParams {
  const c = (n: string, i: number, o: number, s: 1 | 2 = 1): ConvParams => initConv(tf, rng, `${name}.${n}`, k, i, o, s);
  return {
    kernel: k,
    inConv: [c('in0', cin, hidden), c('in1', cin, hidden), c('in2', cin, hidden)],
    outConv: [c('out0', hidden, cout), c('out1', hidden, cout), c('out2', hidden, cout)],
    upConv: [c('up0', hidden, cout), c('up1', hidden, cout)],
    downConv: [c('down0', hidden, cout, 2), c('down1', hidden, cout, 2)],
    gamma: tf.tidy(() => tf.variable(tf.zeros([3]), true, `${name}.gamma`)),
  };
}

/** TensorFlow.js variable names are global: each network instance gets its own prefix. */
let instanceCounter = 0;

export class CsFlowNet {
  readonly blocks: CouplingParams[];

  /** Builds the network with seeded weights: same seed and shape -> same weights. */
  constructor(
    private readonly tf: Tf,
    readonly shape: FlowShape,
    seed: number,
  ) {
    const rng = createRng(seed);
    const prefix = `csflow${instanceCounter++}`;
    const c = shape.channels;
    const c1 = Math.floor(c / 2);
    const c2 = c - c1;
    this.blocks = shape.kernelSizes.map((k, i) => ({
      perm: randomPermutation(rng, c),
      subnetA: initCrossConv(tf, rng, `${prefix}/block${i}.a`, k, c2, shape.hiddenChannels, 2 * c1),
      subnetB: initCrossConv(tf, rng, `${prefix}/block${i}.b`, k, c1, shape.hiddenChannels, 2 * c2),
    }));
  }

  /**
   * x -> z through all blocks.
   * @param xs [N,S,S,C], [N,S/2,S/2,C], [N,S/4,S/4,C]
   */
  forward(xs: readonly tfType.Tensor4D[]): FlowOutput {
    const tf = this.tf;
    let cur = [...xs];
    const dets: tfType.Tensor1D[] = [];
    for (const b of this.blocks) {
      const { ys, logDet } = couplingForward(tf, b, cur, this.shape);
      cur = ys;
      dets.push(logDet);
    }
    return { zs: cur, logDet: dets.length === 1 ? dets[0] : (tf.addN(dets) as tfType.Tensor1D) };
  }

  /** z -> x, the exact inverse of `forward`. */
  inverse(zs: readonly tfType.Tensor4D[]): tfType.Tensor4D[] {
    let cur = [...zs];
    for (let i = this.blocks.length - 1; i >= 0; i--) cur = couplingInverse(this.tf, this.blocks[i], cur, this.shape);
    return cur;
  }

  /** Every trainable variable, in a fixed order. */
  variables(): tfType.Variable[] {
    const out: tfType.Variable[] = [];
    const sub = (s: CrossConvParams): void => {
      for (const p of [...s.inConv, ...s.outConv, ...s.upConv, ...s.downConv]) out.push(p.w, p.b);
      out.push(s.gamma);
    };
    for (const b of this.blocks) {
      sub(b.subnetA);
      sub(b.subnetB);
    }
    return out;
  }

  /** The weights in ONNX layout (what network.ts declares and export-onnx writes). */
  toFlowWeights(): FlowWeights {
    const conv = (p: ConvParams): ConvWeights => {
      const [k, , cin, cout] = p.w.shape;
      return { w: toOnnxFilter(p.w.dataSync() as Float32Array, k, cin, cout), b: Float32Array.from(p.b.dataSync() as Float32Array), cin, cout, k, stride: p.stride };
    };
    const subnet = (s: CrossConvParams): SubnetWeights => ({
      inConv: s.inConv.map(conv),
      outConv: s.outConv.map(conv),
      upConv: s.upConv.map(conv),
      downConv: s.downConv.map(conv),
      gamma: Float32Array.from(s.gamma.dataSync() as Float32Array),
    });
    return { shape: this.shape, blocks: this.blocks.map((b) => ({ perm: b.perm, subnetA: subnet(b.subnetA), subnetB: subnet(b.subnetB) })) };
  }

  parameterCount(): number {
    return this.variables().reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }
}
