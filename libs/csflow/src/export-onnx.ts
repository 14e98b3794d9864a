/**
 * Writes a trained CS-Flow (optional 1x1 reduction + all coupling blocks) as an ONNX graph built with
 * our own graph builder. Inputs: `feat0`, `feat1`, `feat2`, the backbone maps NCHW [N, Cb, S, S],
 * [N, Cb, S/2, S/2], [N, Cb, S/4, S/4]. Outputs: `pos0`, `pos1`, `pos2`, the position scores
 * (channel mean of 0.5 * z^2) [N, 1, Hs, Ws]; image scores and anomaly maps are aggregated from them
 * by `imageScores` / `anomalyMaps`.
 */
import { OnnxGraphBuilder } from '@defectlab/ml-core';
import type { ConvParams, CrossConvParams } from './cross-conv';
import type { CsFlowNet } from './model';
import type { Reduction } from './reduction';
import { SOFT_CLAMP_FACTOR } from './soft-clamp';

/** tfjs filter [K, K, Cin, Cout] -> ONNX [Cout, Cin, K, K]. */
export function toOnnxFilter(w: Float32Array, k: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let ky = 0; ky < k; ky++)
    for (let kx = 0; kx < k; kx++)
      for (let ci = 0; ci < cin; ci++)
        for (let co = 0; co < cout; co++) out[((co * cin + ci) * k + ky) * k + kx] = w[((ky * k + kx) * cin + ci) * cout + co];
  return out;
}

export interface ExportOptions {
  readonly reduction: Reduction | null;
  /** Backbone channels (input channels of the graph). */
  readonly inputChannels: number;
  readonly docString?: string;
}

/** Builds the ONNX bytes of the flow head. */
export function buildFlowOnnx(net: CsFlowNet, o: ExportOptions): Uint8Array {
  const g = new OnnxGraphBuilder({ name: 'csflow', docString: o.docString });
  const { channels: c, leakySlope, clamp } = net.shape;
  const c1 = Math.floor(c / 2);
  const dims = (i: number): Array<string | number> => ['N', o.inputChannels, `H${i}`, `W${i}`];
  let xs = [0, 1, 2].map((i) => g.input(`feat${i}`, dims(i)));

  if (o.reduction) {
    const r = o.reduction;
    const w = g.initializer('reduce.w', r.weight, [r.outChannels, r.inChannels, 1, 1]);
    const b = g.initializer('reduce.b', r.bias, [r.outChannels]);
    xs = xs.map((x) => g.conv(x, w, b));
  }

  const conv = (x: string, p: ConvParams, name: string): string => {
    const [k, , cin, cout] = p.w.shape;
    const w = g.initializer(`${name}.w`, toOnnxFilter(p.w.dataSync() as Float32Array, k, cin, cout), [cout, cin, k, k]);
    const b = g.initializer(`${name}.b`, p.b.dataSync() as Float32Array, [cout]);
    const pad = Math.floor(k / 2);
    return g.conv(x, w, b, { pads: [pad, pad, pad, pad], strides: [p.stride, p.stride] });
  };
  const up = (x: string): string => g.resize(x, { mode: 'linear', scales: [1, 1, 2, 2] });
  const subnet = (p: CrossConvParams, inputs: string[], name: string): string[] => {
    const act = inputs.map((x, i) => g.leakyRelu(conv(x, p.inConv[i], `${name}.in${i}`), leakySlope));
    const y0 = g.add(conv(act[0], p.outConv[0], `${name}.out0`), conv(up(act[1]), p.upConv[0], `${name}.up0`));
    const y1 = g.add(
      g.add(conv(act[1], p.outConv[1], `${name}.out1`), conv(up(act[2]), p.upConv[1], `${name}.up1`)),
      conv(act[0], p.downConv[0], `${name}.down0`),
    );
    const y2 = g.add(conv(act[2], p.outConv[2], `${name}.out2`), conv(act[1], p.downConv[1], `${name}.down1`));
    const gamma = p.gamma.dataSync();
    return [y0, y1, y2].map((y, i) => g.mul(y, g.constFloat(gamma[i])));
  };
  const affine = (x: string, r: string, half: number): string => {
    const s = g.slice(r, [0], [half], [1]);
    const t = g.slice(r, [half], [2 * half], [1]);
    const sc = g.mul(g.atan(g.mul(s, g.constFloat(1 / clamp))), g.constFloat(clamp * SOFT_CLAMP_FACTOR));
    return g.add(g.mul(x, g.exp(sc)), t);
  };

  net.blocks.forEach((blk, bi) => {
    const perm = xs.map((x) => g.gather(x, Array.from(blk.perm), 1));
    const x1 = perm.map((x) => g.slice(x, [0], [c1], [1]));
    const x2 = perm.map((x) => g.slice(x, [c1], [c], [1]));
    const ra = subnet(blk.subnetA, x2, `b${bi}.a`);
    const y1 = x1.map((x, i) => affine(x, ra[i], c1));
    const rb = subnet(blk.subnetB, y1, `b${bi}.b`);
    const y2 = x2.map((x, i) => affine(x, rb[i], c - c1));
    xs = y1.map((y, i) => g.concat([y, y2[i]], 1));
  });

  xs.forEach((z, i) => {
    const pos = g.reduceMean(g.mul(g.mul(z, z), g.constFloat(0.5)), [1], true);
    g.output(pos, `pos${i}`, ['N', 1, `H${i}`, `W${i}`]);
  });
  return g.toBytes();
}
