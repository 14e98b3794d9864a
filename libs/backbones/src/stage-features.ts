/**
 * Backbone maps of several stages for models with one head per stage (FastFlow, CFlow-AD): images of
 * one size in, one NCHW map per stage out, and a per-fit source that caches them when they fit.
 */
import { toNormalizedBatch } from '@defectlab/datasets';
import type { DecodedImage, FeatureExtractor, FitProgress, Tensor } from '@defectlab/ml-core';
import { backboneLayers } from './patch-head';

/** Channels and grid of one stage's map. */
export interface StageShape {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/** Checks the layers exist and returns them in the configured order. */
export function stageLayers(extractor: FeatureExtractor, layers: readonly string[], model: string): string[] {
  return backboneLayers(extractor, layers, model).map((l) => l.name);
}

/** One backbone call: the stage maps of same-size images. */
export async function stageMaps(extractor: FeatureExtractor, images: readonly DecodedImage[], layers: readonly string[]): Promise<Tensor[]> {
  const out = await extractor.extract(toNormalizedBatch(images, extractor.normalization), layers);
  return layers.map((l) => {
    const t = out[l];
    if (!t || t.dims.length !== 4) throw new Error(`backbone ${extractor.name}: layer "${l}" returned no NCHW map`);
    return t;
  });
}

export function stageShapes(maps: readonly Tensor[]): StageShape[] {
  return maps.map((m) => ({ channels: m.dims[1], height: m.dims[2], width: m.dims[3] }));
}

/**
 * The training set's stage maps, served by image index: cached in memory when they fit in `cacheBytes`,
 * otherwise re-extracted per batch (same values either way: the backbone is frozen and deterministic).
 */
export class StageFeatureSource {
  private constructor(
    private readonly extractor: FeatureExtractor,
    private readonly imageList: readonly DecodedImage[],
    readonly layers: readonly string[],
    readonly shapes: readonly StageShape[],
    private readonly cache: Float32Array[] | null,
  ) {}

  static async create(
    extractor: FeatureExtractor,
    images: readonly DecodedImage[],
    layers: readonly string[],
    options: { cacheBytes: number; batchSize: number; onProgress?: (p: FitProgress) => void; signal?: AbortSignal },
  ): Promise<StageFeatureSource> {
    const first = await stageMaps(extractor, images.slice(0, 1), layers);
    const shapes = stageShapes(first);
    const perImage = shapes.reduce((n, s) => n + s.channels * s.height * s.width, 0);
    if (perImage * 4 * images.length > options.cacheBytes) return new StageFeatureSource(extractor, images, layers, shapes, null);
    const cache = shapes.map((s) => new Float32Array(images.length * s.channels * s.height * s.width));
    for (let start = 0; start < images.length; start += options.batchSize) {
      options.signal?.throwIfAborted();
      const maps = await stageMaps(extractor, images.slice(start, start + options.batchSize), layers);
      maps.forEach((m, si) => cache[si].set(m.data, start * (m.data.length / m.dims[0])));
      options.onProgress?.({ phase: 'features', step: Math.min(images.length, start + options.batchSize), steps: images.length });
    }
    return new StageFeatureSource(extractor, images, layers, shapes, cache);
  }

  /** Number of training images served. */
  get images(): number {
    return this.imageList.length;
  }

  get cached(): boolean {
    return this.cache !== null;
  }

  /** Stage maps of the images at `indices`, [indices.length, C, h, w] per stage. */
  async batch(indices: readonly number[]): Promise<Tensor[]> {
    if (!this.cache) return stageMaps(this.extractor, indices.map((i) => this.imageList[i]), this.layers);
    return this.shapes.map((s, si) => {
      const per = s.channels * s.height * s.width;
      const data = new Float32Array(indices.length * per);
      indices.forEach((i, k) => data.set((this.cache as Float32Array[])[si].subarray(i * per, (i + 1) * per), k * per));
      return { data, dims: [indices.length, s.channels, s.height, s.width] };
    });
  }
}
