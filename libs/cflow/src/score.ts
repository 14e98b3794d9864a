/**
 * The scoring head: per stage, the decoder's log-likelihood per dimension at every position, minus the
 * stage's reference (the maximum over the training images), exponentiated, bilinearly upsampled
 * (align_corners, as the reference) to the image size, summed over stages and negated (higher = more
 * anomalous). The reference subtracts the maximum over the TEST set and reports max - map; we use the
 * training maximum (no test data at inference) and -map (the same ranking within a stage's offset).
 */
import { OnnxGraphBuilder } from '@defectlab/ml-core';
import { declareDecoder, declareLogProbPerDim, type CflowWeights } from './network';
import { positionalEncoding2d } from './positional-encoding';
import type { StageGrid } from './train';

/**
 * Declares the head on stage maps `inputs` [N, C, h, w]; `imageSizes` is an int64 [4] value (N, 1, H, W).
 * @returns `logp` per stage [N, 1, h, w] and `map` [N, 1, H, W]
 */
export function declareCflowHead(g: OnnxGraphBuilder, weights: CflowWeights, grids: readonly StageGrid[], references: readonly number[], inputs: readonly string[], imageSizes: string): { logp: string[]; map: string } {
  const P = weights.shape.conditionDim;
  const logp: string[] = [];
  const maps = inputs.map((input, s) => {
    const { height: h, width: w } = grids[s];
    const c = weights.shape.channels[s];
    const x = g.reshape(g.transpose(input, [0, 2, 3, 1]), [0, h * w, c]);
    const pe = g.initializer(`s${s}.positional_encoding`, positionalEncoding2d(P, h, w), [1, h * w, P]);
    const cond = g.op('Expand', [pe, g.concat([g.shape(input, 0, 1), g.constInt64([h * w, P])], 0)]);
    const lp = g.reshape(declareLogProbPerDim(g, declareDecoder(g, weights, s, x, cond, 3), c, 3), [0, 1, h, w]);
    logp.push(lp);
    const likelihood = g.exp(g.sub(lp, g.constFloat(references[s])));
    return g.resize(likelihood, { mode: 'linear', sizes: imageSizes, coordinateTransformationMode: 'align_corners' });
  });
  const sum = maps.length === 1 ? maps[0] : g.op('Sum', maps);
  return { logp, map: g.neg(sum) };
}

/** The head alone: stage maps in (named as the backbone layers), `anomaly_maps` and `logp_<stage>` out. */
export function buildHeadGraph(weights: CflowWeights, grids: readonly StageGrid[], references: readonly number[], layers: readonly string[], imageSize: readonly [number, number]): Uint8Array {
  const g = new OnnxGraphBuilder({ name: 'cflow-head' });
  const inputs = grids.map((grid, s) => g.input(layers[s], ['N', weights.shape.channels[s], grid.height, grid.width]));
  const sizes = g.concat([g.shape(inputs[0], 0, 1), g.constInt64([1, imageSize[1], imageSize[0]])], 0);
  const head = declareCflowHead(g, weights, grids, references, inputs, sizes);
  g.output(head.map, 'anomaly_maps', ['N', 1, imageSize[1], imageSize[0]]);
  head.logp.forEach((lp, s) => g.output(lp, `logp_${s}`, ['N', 1, grids[s].height, grids[s].width]));
  return g.toBytes();
}
