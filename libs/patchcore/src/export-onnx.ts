import { promises as fs } from 'node:fs';
import { backboneGraphBuilder, type BackboneGraphSource } from '@defectlab/backbones';
import { addGaussianBlurToGraph, attr } from '@defectlab/ml-core';
import type { ResolvedPatchcoreConfig } from './config';
import { addFeatureHead, type HeadLayer } from './network';
import type { MemoryBank } from './memory-bank';
import { addKnnToGraph, addMemoryBank } from './nearest-neighbours';

export interface PatchcoreExportInput extends BackboneGraphSource {
  readonly layers: readonly HeadLayer[];
  readonly config: ResolvedPatchcoreConfig;
  readonly bank: MemoryBank;
}

/**
 * Builds PatchCore as ONE ONNX graph: backbone (`backboneOnnx` or `extractor.modelPath`) -> feature head ->
 * exact kNN against the memory bank (an initializer) -> anomaly map (bilinear upsampling + Gaussian
 * blur) and the re-weighted image score.
 *
 * Input: the backbone's own input, a normalised batch [N, 3, H, W] (ImageNet mean/std of the backbone).
 * Outputs: `image_scores` [N], `anomaly_maps` [N, 1, H, W], `patch_scores` [N, 1, h, w].
 */
export async function buildPatchcoreOnnx(input: PatchcoreExportInput): Promise<Uint8Array> {
  const { layers, config, bank } = input;
  const g = await backboneGraphBuilder('patchcore', input, JSON.stringify({ model: 'patchcore', config }));
  const image = g.inputNames()[0];
  const D = bank.dim;
  const b = Math.max(1, config.numNeighbors);

  const patches = addFeatureHead(g, layers.map((l) => l.name), layers, config.patchSize, config.preprocessingDim, config.targetDim); // [N, h, w, D]
  const batch = g.shape(patches, 0, 1); // [N]
  const rows = g.reshape(patches, [-1, D]); // [N*h*w, D]
  const memory = addMemoryBank(g, bank);
  const knn = addKnnToGraph(g, rows, memory, b);
  const nearest = g.slice(knn.distances, [0], [1], [1]); // [N*h*w, 1]

  // anomaly map
  const grid = g.reshape(nearest, g.concat([batch, g.constInt64([1]), g.shape(patches, 1, 3)], 0)); // [N, 1, h, w]
  const up = g.resize(grid, { mode: 'linear', sizes: g.concat([g.shape(grid, 0, 2), g.shape(image, 2, 4)], 0) });
  const map = config.blurSigma > 0 ? addGaussianBlurToGraph(g, up, config.blurSigma) : up;
  g.output(map, 'anomaly_maps', ['N', 1, 'H', 'W']);
  g.output(g.identity(grid), 'patch_scores', ['N', 1, 'h', 'w']);

  // image score (paper eq. 7)
  const perImage = g.concat([batch, g.constInt64([-1])], 0);
  const scores = g.reshape(nearest, perImage); // [N, P]
  const iStar = g.op('ArgMax', [scores], { axis: attr.int(1), keepdims: attr.int(1) }); // [N, 1]
  const sStar = g.op('GatherElements', [scores, iStar], { axis: attr.int(1) }); // [N, 1]
  let imageScore = sStar;
  if (b > 1) {
    const nnIdx = g.reshape(g.slice(knn.indices, [0], [1], [1]), perImage); // [N, P]
    const mIdx = g.reshape(g.op('GatherElements', [nnIdx, iStar], { axis: attr.int(1) }), [-1]); // [N]
    const feats = g.reshape(rows, g.concat([batch, g.constInt64([-1, D])], 0)); // [N, P, D]
    const gatherIdx = g.op('Expand', [g.unsqueeze(iStar, [2]), g.concat([batch, g.constInt64([1, D])], 0)]); // [N, 1, D]
    const mTest = g.reshape(g.op('GatherElements', [feats, gatherIdx], { axis: attr.int(1) }), [-1, D]); // [N, D]
    const mStar = g.gather(memory.rows, mIdx, 0); // [N, D]
    const support = addKnnToGraph(g, mStar, memory, b).indices; // [N, b]
    const diff = g.sub(g.gather(memory.rows, support, 0), g.unsqueeze(mTest, [1])); // [N, b, D]
    const dist = g.sqrt(g.reduceSum(g.mul(diff, diff), [2], false)); // [N, b]
    const weight = g.sub(g.constFloat(1, []), g.slice(g.softmax(dist, 1), [0], [1], [1])); // [N, 1]
    imageScore = g.mul(weight, sStar);
  }
  g.output(g.reshape(imageScore, [-1]), 'image_scores', ['N']);
  return g.toBytes();
}

/** Writes {@link buildPatchcoreOnnx} to `file`; returns its byte size. */
export async function exportPatchcoreOnnx(file: string, input: PatchcoreExportInput): Promise<number> {
  const bytes = await buildPatchcoreOnnx(input);
  await fs.writeFile(file, bytes);
  return bytes.byteLength;
}
