/**
 * CS-Flow as ONNX. The flow (optional 1x1 reduction + every coupling block) is declared by network.ts's
 * `declareFlow`, the declaration the training graph differentiates, so each graph here is the forward
 * subgraph of what was trained.
 *
 * - {@link buildFlowOnnx}: the flow head alone, for scoring pre-extracted features in process. Inputs
 *   `feat0..2`, the backbone maps NCHW [N, Cb, S, S], [N, Cb, S/2, S/2], [N, Cb, S/4, S/4]; outputs
 *   `pos0..2`, the position scores (channel mean of 0.5 * z^2) [N, 1, Hs, Ws].
 * - {@link buildCsflowOnnx}: the export, one graph like every other model's: input = the backbone's input,
 *   the normalised image batch [N, 3, S, S]; the scales S/2, S/4 by 2x2 averaging, the backbone once per
 *   scale, the flow; outputs `anomaly_maps` [N, 1, S, S] and `image_scores` [N].
 */
import { promises as fs } from 'node:fs';
import type { BackboneGraphSource } from '@defectlab/backbones';
import { declareImageScore, OnnxGraphBuilder, type ScoreMode } from '@defectlab/ml-core';
import { mergeBackboneAndHead } from './merge-backbone';
import { declareFlow, declarePositionScores, type FlowWeights } from './network';
import type { Reduction } from './reduction';

export { toOnnxFilter } from './network';

export interface ExportOptions {
  readonly reduction: Reduction | null;
  /** Backbone channels (input channels of the graph). */
  readonly inputChannels: number;
  readonly docString?: string;
}

/** The flow on inputs `feat0..2`: the position scores of the three scales. */
function declareFlowHead(g: OnnxGraphBuilder, weights: FlowWeights, o: ExportOptions): string[] {
  let xs = [0, 1, 2].map((i) => g.input(`feat${i}`, ['N', o.inputChannels, `H${i}`, `W${i}`]));
  if (o.reduction) {
    const r = o.reduction;
    const w = g.initializer('reduce.w', r.weight, [r.outChannels, r.inChannels, 1, 1]);
    const b = g.initializer('reduce.b', r.bias, [r.outChannels]);
    xs = xs.map((x) => g.conv(x, w, b));
  }
  return declarePositionScores(g, declareFlow(g, weights, xs).zs);
}

/** Builds the ONNX bytes of the flow head (inputs feat0..2, outputs pos0..2). */
export function buildFlowOnnx(weights: FlowWeights, o: ExportOptions): Uint8Array {
  const g = new OnnxGraphBuilder({ name: 'csflow', docString: o.docString });
  declareFlowHead(g, weights, o).forEach((pos, i) => g.output(pos, `pos${i}`, ['N', 1, `H${i}`, `W${i}`]));
  return g.toBytes();
}

export interface CsflowExportInput extends BackboneGraphSource, ExportOptions {
  readonly weights: FlowWeights;
  /** The backbone output the flow reads. */
  readonly layer: string;
  /** S: the side of the exported input batch. */
  readonly inputSize: number;
  /** Side of the finest feature map (S / the layer's stride); the scales give f^2 + (f/2)^2 + (f/4)^2 positions. */
  readonly finestSide: number;
  readonly scoreMode: ScoreMode;
  readonly topKFraction: number;
}

/**
 * The export's head on `feat0..2`: `anomaly_maps` = 2 x the finest position scores upsampled to S x S
 * (bilinear, half-pixel, as anomaly-map.ts), `image_scores` = the score mode over all positions of all
 * scales (as score.ts).
 */
function buildExportHead(input: CsflowExportInput): Uint8Array {
  const g = new OnnxGraphBuilder({ name: 'csflow-head', docString: input.docString });
  const positions = declareFlowHead(g, input.weights, input);
  const S = input.inputSize;
  const finest = positions[0];
  const up = g.resize(finest, { mode: 'linear', sizes: g.concat([g.shape(finest, 0, 2), g.constInt64([S, S])], 0) });
  g.output(g.mul(up, g.constFloat(2, [])), 'anomaly_maps', ['N', 1, S, S]);
  const all = g.concat(positions.map((p) => g.reshape(p, [0, -1])), 1);
  const f = input.finestSide;
  g.output(declareImageScore(g, all, input.scoreMode, input.topKFraction, f * f + (f / 2) ** 2 + (f / 4) ** 2), 'image_scores', ['N']);
  return g.toBytes();
}

/** Backbone + flow as one graph (see the module comment for its input and outputs). */
export async function buildCsflowOnnx(input: CsflowExportInput): Promise<Uint8Array> {
  const source = input.backboneOnnx ?? input.extractor.modelPath;
  if (!source) {
    throw new Error(`csflow export: backbone "${input.extractor.name}" exposes no ONNX modelPath and no backboneOnnx was given, so backbone + flow cannot be written as one graph`);
  }
  const backbone = typeof source === 'string' ? await fs.readFile(source) : source;
  return mergeBackboneAndHead(backbone, buildExportHead(input), input.layer, input.inputSize);
}

/** Writes {@link buildCsflowOnnx} to `file`; returns its byte size. */
export async function exportCsflowOnnx(file: string, input: CsflowExportInput): Promise<number> {
  const bytes = await buildCsflowOnnx(input);
  await fs.writeFile(file, bytes);
  return bytes.byteLength;
}
