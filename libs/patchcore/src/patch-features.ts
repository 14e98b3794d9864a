import { createSession, type DecodedImage, type FeatureExtractor, type OnnxSession } from '@defectlab/ml-core';
import { toNormalizedBatch } from '@defectlab/datasets';
import { buildFeatureHeadGraph, type HeadLayer } from './feature-head';

/** Patch features of a batch: rows [images * h * w, dim] in image-major, row-major grid order. */
export interface PatchFeatures {
  readonly rows: Float32Array;
  readonly dim: number;
  readonly images: number;
  readonly gridH: number;
  readonly gridW: number;
}

/**
 * Backbone + feature head as one reusable pipeline: normalise images, run the extractor for the
 * configured layers, then the head graph (onnxruntime). Owns the head session; call `dispose()`.
 */
export class PatchFeaturePipeline {
  private constructor(
    private readonly extractor: FeatureExtractor,
    private readonly layers: readonly HeadLayer[],
    private readonly head: OnnxSession,
    readonly dim: number,
  ) {}

  /** Checks the layers against the extractor and opens the head session. */
  static async create(
    extractor: FeatureExtractor,
    layerNames: readonly string[],
    patchSize: number,
    preprocessingDim: number,
    targetDim: number,
    threads: number,
  ): Promise<PatchFeaturePipeline> {
    const layers = layerNames.map((name) => {
      const info = extractor.layers.find((l) => l.name === name);
      if (!info) throw new Error(`patchcore: backbone "${extractor.name}" has no layer "${name}" (has ${extractor.layers.map((l) => l.name).join(', ')})`);
      return { name, channels: info.channels };
    });
    const head = await createSession(buildFeatureHeadGraph(layers, patchSize, preprocessingDim, targetDim), { threads });
    return new PatchFeaturePipeline(extractor, layers, head, targetDim);
  }

  /** Head layer descriptions (name, channels). */
  get headLayers(): readonly HeadLayer[] {
    return this.layers;
  }

  /** Patch features of same-size images (one backbone call). */
  async run(images: readonly DecodedImage[]): Promise<PatchFeatures> {
    const batch = toNormalizedBatch(images, this.extractor.normalization);
    const maps = await this.extractor.extract(batch, this.layers.map((l) => l.name));
    const { patches } = await this.head.run(maps);
    const [n, gridH, gridW, dim] = patches.dims;
    return { rows: patches.data, dim, images: n, gridH, gridW };
  }

  async dispose(): Promise<void> {
    await this.head.release();
  }
}
