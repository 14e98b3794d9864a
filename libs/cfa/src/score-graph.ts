import { addNearestNeighbours, addPointSet, OnnxGraphBuilder } from '@defectlab/ml-core';
import { addFeatureAggregation, type AggregatedLayer } from './feature-aggregation';
import { coordinateBias, type DescriptorWeights } from './descriptor';

/** Everything a trained CFA needs at inference. */
export interface CfaInferenceState {
  readonly weights: DescriptorWeights;
  /** Memory bank [M, D]. */
  readonly centres: Float32Array;
  readonly gridH: number;
  readonly gridW: number;
  readonly K: number;
}

/**
 * Adds CFA scoring to a graph, from aggregated features [N, h, w, Cin] (h, w = the training grid):
 * descriptor phi = x W_f + (coords W_c + b) -> squared distances to the K nearest centres d_1..d_K ->
 * patch score softmin(d)_1 * d_1 (the reference's `F.softmin(dist)[..., 0] * dist[..., 0]`).
 * @returns patch scores [N, 1, h, w]
 */
export function addCfaScore(g: OnnxGraphBuilder, features: string, s: CfaInferenceState): string {
  const { weights, gridH, gridW } = s;
  const D = weights.outChannels;
  const P = gridH * gridW;
  const rows = g.reshape(features, [-1, weights.inChannels]);
  const projected = g.gemm(rows, g.initializer('cfa_wf', weights.wf, [weights.inChannels, D])); // [N*P, D]
  const withCoords = g.add(g.reshape(projected, [-1, P, D]), g.initializer('cfa_coord_bias', coordinateBias(weights, gridH, gridW), [P, D]));
  const phi = g.reshape(withCoords, [-1, D]);
  const centres = addPointSet(g, 'cfa_centres', s.centres, s.centres.length / D, D);
  const { distances } = addNearestNeighbours(g, phi, centres, s.K, true); // [N*P, K] squared, ascending
  const nearest = g.slice(distances, [0], [1], [1]);
  const weight = g.slice(g.softmax(g.neg(distances), 1), [0], [1], [1]);
  return g.reshape(g.mul(weight, nearest), [-1, 1, gridH, gridW]);
}

/** Scoring graph over backbone maps: inputs named after the layers, output "patch_scores" [N, 1, h, w]. */
export function buildCfaHeadGraph(layers: readonly AggregatedLayer[], s: CfaInferenceState): Uint8Array {
  const g = new OnnxGraphBuilder({ name: 'cfa-head' });
  const inputs = layers.map((l, i) => g.input(l.name, ['N', l.channels, `h${i}`, `w${i}`]));
  g.output(addCfaScore(g, addFeatureAggregation(g, inputs), s), 'patch_scores', ['N', 1, s.gridH, s.gridW]);
  return g.toBytes();
}
