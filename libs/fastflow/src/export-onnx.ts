import { buildStageHeadOnnx, writeOnnx, type StageHeadExport } from '@defectlab/backbones';
import { declareAnomalyMap, declareFastflow, type FastflowWeights } from './network';

export interface FastflowExportInput extends StageHeadExport {
  readonly layers: readonly string[];
  readonly weights: FastflowWeights;
}

/**
 * FastFlow as ONE ONNX graph: backbone -> per-stage LayerNorm + flow -> likelihood maps upsampled and
 * averaged -> image score. Input: the backbone's input (the same name for every model), a normalised
 * batch [N, 3, H, W] of the training size. Outputs: `image_scores` [N], `anomaly_maps` [N, 1, H, W].
 */
export function buildFastflowOnnx(input: FastflowExportInput): Promise<Uint8Array> {
  return buildStageHeadOnnx('fastflow', input, (g, sizes) => declareAnomalyMap(g, declareFastflow(g, input.weights, input.layers).zs, sizes));
}

/** Writes {@link buildFastflowOnnx} to `file`; returns its byte size. */
export function exportFastflowOnnx(file: string, input: FastflowExportInput): Promise<number> {
  return writeOnnx(file, buildFastflowOnnx(input));
}
