/** The scoring head: the trained flow (network.ts) and its anomaly map, stage maps in. */
import { OnnxGraphBuilder } from '@defectlab/ml-core';
import { declareAnomalyMap, declareFastflow, type FastflowWeights } from './network';

/**
 * The scoring head: stage maps in (inputs named as the backbone layers), `anomaly_maps` [N, 1, H, W] out
 * at the training image size.
 */
export function buildHeadGraph(weights: FastflowWeights, layers: readonly string[], imageSize: readonly [number, number]): Uint8Array {
  const g = new OnnxGraphBuilder({ name: 'fastflow-head' });
  const inputs = weights.shape.stages.map((s, i) => g.input(layers[i], ['N', s.channels, s.height, s.width]));
  const flow = declareFastflow(g, weights, inputs);
  const sizes = g.concat([g.shape(inputs[0], 0, 1), g.constInt64([1, imageSize[1], imageSize[0]])], 0);
  g.output(declareAnomalyMap(g, flow.zs, sizes), 'anomaly_maps', ['N', 1, imageSize[1], imageSize[0]]);
  return g.toBytes();
}
