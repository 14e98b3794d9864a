import { promises as fs } from 'node:fs';
import { declareAnomalyMap, declareFastflow, type FastflowWeights } from './network';
import { declareImageScore, OnnxGraphBuilder, type FeatureExtractor, type ScoreMode } from '@defectlab/ml-core';

export interface FastflowExportInput {
  readonly extractor: FeatureExtractor;
  /** The backbone graph (path or bytes); default `extractor.modelPath`. */
  readonly backboneOnnx?: string | Uint8Array;
  readonly layers: readonly string[];
  readonly weights: FastflowWeights;
  readonly imageSize: readonly [number, number];
  readonly scoreMode: ScoreMode;
  readonly topKFraction: number;
  readonly docString: string;
}

/**
 * FastFlow as ONE ONNX graph: backbone -> per-stage LayerNorm + flow -> likelihood maps upsampled and
 * averaged -> image score. Input: the backbone's input (the same name for every model), a normalised
 * batch [N, 3, H, W] of the training size. Outputs: `image_scores` [N], `anomaly_maps` [N, 1, H, W].
 */
export async function buildFastflowOnnx(input: FastflowExportInput): Promise<Uint8Array> {
  const source = input.backboneOnnx ?? input.extractor.modelPath;
  if (!source) throw new Error(`fastflow export: backbone "${input.extractor.name}" exposes no ONNX modelPath and no backboneOnnx was given`);
  const backbone = typeof source === 'string' ? await fs.readFile(source) : source;
  const g = OnnxGraphBuilder.fromModel(backbone, { name: 'fastflow', docString: input.docString });
  const image = g.inputNames()[0];
  const flow = declareFastflow(g, input.weights, input.layers);
  const sizes = g.concat([g.shape(image, 0, 1), g.constInt64([1]), g.shape(image, 2, 4)], 0);
  const map = declareAnomalyMap(g, flow.zs, sizes);
  const [w, h] = input.imageSize;
  g.output(map, 'anomaly_maps', ['N', 1, 'H', 'W']);
  g.output(declareImageScore(g, map, input.scoreMode, input.topKFraction, w * h), 'image_scores', ['N']);
  return g.toBytes();
}

/** Writes {@link buildFastflowOnnx} to `file`; returns its byte size. */
export async function exportFastflowOnnx(file: string, input: FastflowExportInput): Promise<number> {
  const bytes = await buildFastflowOnnx(input);
  await fs.writeFile(file, bytes);
  return bytes.byteLength;
}
