import { backboneLayers, PatchHeadPipeline } from '@defectlab/backbones';
import type { FeatureExtractor } from '@defectlab/ml-core';
import { buildFeatureHeadGraph } from './network';

/** PatchCore's patch features: the backbone layers through the feature head, rows [images * h * w, targetDim]. */
export type PatchFeaturePipeline = PatchHeadPipeline;

/** Checks the layers against the extractor and opens the feature head's session (call `dispose()`). */
export async function createPatchFeaturePipeline(
  extractor: FeatureExtractor,
  layerNames: readonly string[],
  patchSize: number,
  preprocessingDim: number,
  targetDim: number,
  threads: number,
): Promise<PatchFeaturePipeline> {
  const layers = backboneLayers(extractor, layerNames, 'patchcore');
  return PatchHeadPipeline.create(extractor, layers, buildFeatureHeadGraph(layers, patchSize, preprocessingDim, targetDim), { dim: targetDim, threads });
}
