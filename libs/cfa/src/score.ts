/**
 * Scoring same-size images with a trained CFA: backbone maps -> the CFA head session (score-graph.ts:
 * aggregation, descriptor, softmin-weighted distance to the nearest centres) -> anomaly maps
 * (anomaly-map.ts) -> image score = max of the map (the reference's), aggregated by ml-core's
 * `imageScoresOf` (libs/metrics `aggregateMap`), the one aggregation every model uses.
 */
import { toNormalizedBatch } from '@defectlab/datasets';
import { imageScoresOf, type DecodedImage, type FeatureExtractor, type OnnxSession, type ScoreResult } from '@defectlab/ml-core';
import { cfaAnomalyMaps } from './anomaly-map';
import type { AggregatedLayer } from './feature-aggregation';
import type { CfaInferenceState } from './score-graph';

export interface CfaScoring {
  readonly extractor: FeatureExtractor;
  /** The backbone taps the head takes, fine to coarse. */
  readonly layers: readonly AggregatedLayer[];
  /** The head session (`buildCfaHeadGraph`): layer maps in, `patch_scores` [N, 1, h, w] out. */
  readonly head: OnnxSession;
  readonly state: CfaInferenceState;
  readonly batchSize: number;
  readonly blurSigma: number;
}

/**
 * Scores `images` (one common size) in batches.
 * @returns image scores [N] and anomaly maps [N, 1, H, W] at the images' size
 */
export async function scoreCfa(images: readonly DecodedImage[], s: CfaScoring): Promise<ScoreResult> {
  if (images.length === 0) return { imageScores: new Float32Array(0), anomalyMaps: { data: new Float32Array(0), dims: [0, 1, 0, 0] } };
  const { width, height } = images[0];
  const maps = new Float32Array(images.length * width * height);
  for (let start = 0; start < images.length; start += s.batchSize) {
    const batch = images.slice(start, start + s.batchSize);
    const layerMaps = await s.extractor.extract(toNormalizedBatch(batch, s.extractor.normalization), s.layers.map((l) => l.name));
    const { patch_scores } = await s.head.run(layerMaps);
    if (patch_scores.dims[2] !== s.state.gridH || patch_scores.dims[3] !== s.state.gridW) {
      throw new Error(`CfaModel.score: images give a ${patch_scores.dims[2]}x${patch_scores.dims[3]} grid, the model was trained on ${s.state.gridH}x${s.state.gridW}`);
    }
    maps.set(cfaAnomalyMaps(patch_scores, height, width, s.blurSigma).data, start * width * height);
  }
  const anomalyMaps = { data: maps, dims: [images.length, 1, height, width] };
  return { imageScores: imageScoresOf(anomalyMaps, 'max', 0), anomalyMaps };
}
