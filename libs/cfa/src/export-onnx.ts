import { promises as fs } from 'node:fs';
import { backboneGraphBuilder, type BackboneGraphSource } from '@defectlab/backbones';
import { addGaussianBlurToGraph, declareImageScore } from '@defectlab/ml-core';
import { addFeatureAggregation, type AggregatedLayer } from './feature-aggregation';
import { addCfaScore, type CfaInferenceState } from './score-graph';

export interface CfaExportInput extends BackboneGraphSource {
  readonly layers: readonly AggregatedLayer[];
  readonly state: CfaInferenceState;
  readonly blurSigma: number;
  readonly docString: string;
}

/**
 * CFA as ONE ONNX graph: backbone -> 3x3 pooling, alignment, concatenation -> CoordConv descriptor ->
 * softmin-weighted squared distance to the K nearest centres -> bilinear upsampling -> Gaussian blur
 * -> image score = max (ml-core `declareImageScore`, the aggregation score() uses).
 * Input: the backbone's input, a normalised batch [N, 3, H, W] of the TRAINING size (the coordinate
 * channels are baked in for the training grid). Outputs: `image_scores` [N], `anomaly_maps` [N, 1, H, W],
 * `patch_scores` [N, 1, h, w].
 */
export async function buildCfaOnnx(input: CfaExportInput): Promise<Uint8Array> {
  const g = await backboneGraphBuilder('cfa', input, input.docString);
  const image = g.inputNames()[0];
  const patch = addCfaScore(g, addFeatureAggregation(g, input.layers.map((l) => l.name)), input.state);
  const up = g.resize(patch, { mode: 'linear', sizes: g.concat([g.shape(patch, 0, 2), g.shape(image, 2, 4)], 0) });
  const map = input.blurSigma > 0 ? addGaussianBlurToGraph(g, up, input.blurSigma) : up;
  g.output(map, 'anomaly_maps', ['N', 1, 'H', 'W']);
  g.output(g.identity(patch), 'patch_scores', ['N', 1, input.state.gridH, input.state.gridW]);
  g.output(declareImageScore(g, map, 'max', 0, 0), 'image_scores', ['N']); // max: the pixel count only matters for top-k
  return g.toBytes();
}

/** Writes {@link buildCfaOnnx} to `file`; returns its byte size. */
export async function exportCfaOnnx(file: string, input: CfaExportInput): Promise<number> {
  const bytes = await buildCfaOnnx(input);
  await fs.writeFile(file, bytes);
  return bytes.byteLength;
}
