import { promises as fs } from 'node:fs';
import { declareImageScore, OnnxGraphBuilder, type FeatureExtractor, type ScoreMode } from '@defectlab/ml-core';
import type { CflowWeights } from './network';
import { declareCflowHead } from './score';
import type { StageGrid } from './train';

export interface CflowExportInput {
  readonly extractor: FeatureExtractor;
  /** The backbone graph (path or bytes); default `extractor.modelPath`. */
  readonly backboneOnnx?: string | Uint8Array;
  readonly layers: readonly string[];
  readonly weights: CflowWeights;
  readonly grids: readonly StageGrid[];
  readonly references: readonly number[];
  readonly imageSize: readonly [number, number];
  readonly scoreMode: ScoreMode;
  readonly topKFraction: number;
  readonly docString: string;
}

/**
 * CFlow-AD as ONE ONNX graph: backbone -> per-stage conditional decoders -> likelihood maps upsampled and
 * summed -> image score. Input: the backbone's input, a normalised batch [N, 3, H, W] of the training size.
 * Outputs: `image_scores` [N], `anomaly_maps` [N, 1, H, W].
 */
export async function buildCflowOnnx(input: CflowExportInput): Promise<Uint8Array> {
  const source = input.backboneOnnx ?? input.extractor.modelPath;
  if (!source) throw new Error(`cflow export: backbone "${input.extractor.name}" exposes no ONNX modelPath and no backboneOnnx was given`);
  const backbone = typeof source === 'string' ? await fs.readFile(source) : source;
  const g = OnnxGraphBuilder.fromModel(backbone, { name: 'cflow', docString: input.docString });
  const image = g.inputNames()[0];
  const sizes = g.concat([g.shape(image, 0, 1), g.constInt64([1]), g.shape(image, 2, 4)], 0);
  const { map } = declareCflowHead(g, input.weights, input.grids, input.references, input.layers, sizes);
  const [w, h] = input.imageSize;
  g.output(map, 'anomaly_maps', ['N', 1, 'H', 'W']);
  g.output(declareImageScore(g, map, input.scoreMode, input.topKFraction, w * h), 'image_scores', ['N']);
  return g.toBytes();
}

export async function exportCflowOnnx(file: string, input: CflowExportInput): Promise<number> {
  const bytes = await buildCflowOnnx(input);
  await fs.writeFile(file, bytes);
  return bytes.byteLength;
}
