/**
 * Writes a trained CS-Flow (optional 1x1 reduction + all coupling blocks) as an ONNX graph: the flow
 * is declared by network.ts's `declareFlow`, the same declaration the training graph differentiates,
 * so the exported model is the forward subgraph of what was trained. Inputs: `feat0`, `feat1`,
 * `feat2`, the backbone maps NCHW [N, Cb, S, S], [N, Cb, S/2, S/2], [N, Cb, S/4, S/4]. Outputs:
 * `pos0`, `pos1`, `pos2`, the position scores (channel mean of 0.5 * z^2) [N, 1, Hs, Ws]; image
 * scores and anomaly maps are aggregated from them by `imageScores` / `anomalyMaps`.
 */
import { OnnxGraphBuilder } from '@defectlab/ml-core';
import { declareFlow, declarePositionScores, type FlowWeights } from './network';
import type { Reduction } from './reduction';

export { toOnnxFilter } from './network';

export interface ExportOptions {
  readonly reduction: Reduction | null;
  /** Backbone channels (input channels of the graph). */
  readonly inputChannels: number;
  readonly docString?: string;
}

/** Builds the ONNX bytes of the flow head. */
export function buildFlowOnnx(weights: FlowWeights, o: ExportOptions): Uint8Array {
  const g = new OnnxGraphBuilder({ name: 'csflow', docString: o.docString });
  const dims = (i: number): Array<string | number> => ['N', o.inputChannels, `H${i}`, `W${i}`];
  let xs = [0, 1, 2].map((i) => g.input(`feat${i}`, dims(i)));
  if (o.reduction) {
    const r = o.reduction;
    const w = g.initializer('reduce.w', r.weight, [r.outChannels, r.inChannels, 1, 1]);
    const b = g.initializer('reduce.b', r.bias, [r.outChannels]);
    xs = xs.map((x) => g.conv(x, w, b));
  }
  const { zs } = declareFlow(g, weights, xs);
  declarePositionScores(g, zs).forEach((pos, i) => g.output(pos, `pos${i}`, ['N', 1, `H${i}`, `W${i}`]));
  return g.toBytes();
}
