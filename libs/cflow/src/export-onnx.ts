import { buildStageHeadOnnx, writeOnnx, type StageHeadExport } from '@defectlab/backbones';
import type { CflowWeights } from './network';
import { declareCflowHead } from './score';
import type { StageGrid } from './train';

export interface CflowExportInput extends StageHeadExport {
  readonly layers: readonly string[];
  readonly weights: CflowWeights;
  readonly grids: readonly StageGrid[];
  readonly references: readonly number[];
}

/**
 * CFlow-AD as ONE ONNX graph: backbone -> per-stage conditional decoders -> likelihood maps upsampled and
 * summed -> image score. Input: the backbone's input, a normalised batch [N, 3, H, W] of the training size.
 * Outputs: `image_scores` [N], `anomaly_maps` [N, 1, H, W].
 */
export function buildCflowOnnx(input: CflowExportInput): Promise<Uint8Array> {
  return buildStageHeadOnnx('cflow', input, (g, sizes) => declareCflowHead(g, input.weights, input.grids, input.references, input.layers, sizes).map);
}

export function exportCflowOnnx(file: string, input: CflowExportInput): Promise<number> {
  return writeOnnx(file, buildCflowOnnx(input));
}
