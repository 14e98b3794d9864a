import { BackboneFeatureModel, backboneRecordOf, type BackboneExportOptions } from '@defectlab/backbones';
import type { AnomalyModel, DecodedImage, FeatureExtractor, FitOptions, FitReport, ScoreResult } from '@defectlab/ml-core';
import { patchScoresToAnomalyMap } from './anomaly-map';
import { resolvePatchcoreConfig, type ResolvedPatchcoreConfig, type TPatchcoreConfigInput } from './config';
import { exportPatchcoreOnnx } from './export-onnx';
import { memoryBankBytes, type MemoryBank } from './memory-bank';
import { createKnnIndex, type NearestNeighbourIndex } from './nearest-neighbours';
import { createPatchFeaturePipeline, type PatchFeaturePipeline } from './patch-features';
import { readFitted, saveFitted } from './persist';
import { scorePatchRows } from './score';
import { fitMemoryBank, type FittedState } from './train';

/** Every deliberate difference from the paper / reference code, recorded in each FitReport. */
export const PATCHCORE_DEVIATIONS: readonly string[] = [
  'Backbone: whatever FeatureExtractor is passed in; with the shared ResNet-50 v2 (MXNet weights, pre-activation) we tap stage2_act/stage3_act where the paper taps WideResNet-50-2 layer2/layer3.',
  'Local aggregation: each layer map is 3x3 average-pooled (zero padding counted) before the channel projection; the reference flattens the unfolded (C, 3, 3) patch and adaptive-average-pools that vector, so its bins mix a channel\'s neighbouring positions. Both are linear local averages followed by the same adaptive-average channel pooling to preprocessingDim per layer and targetDim overall.',
  'Johnson-Lindenstrauss projection for coreset distances: a Gaussian N(0, 1/d) matrix (the reference uses a randomly initialised torch Linear layer).',
  'No resize/center-crop inside the model: callers pass images of one size (the benchmark stretches magnetic_tile ROIs to 224x224 without cropping, so no defect is cut away).',
  'Image score: the paper\'s re-weighting over b nearest bank entries (eq. 7), as anomalib does; the reference code uses the plain max (numNeighbors = 1 reproduces it).',
  'Exact nearest-neighbour search in onnxruntime (Gemm + TopK) or JS instead of faiss; no approximate index.',
  'Validation images are not used: PatchCore has no training epochs, so there is nothing to early-stop (and nothing ever looks at the test split).',
];

/** Why the default kNN engine is onnxruntime (measured by the kNN block of tools/bench). */
export const KNN_ENGINE_CHOICE =
  'exact search; onnxruntime (Gemm + TopK) measured 7517 queries/s vs 214 for the JS loop (2311 vs 30 on a loaded machine) on a 5472 x 1024 bank, k = 9 (2-core AMD EPYC, 1 thread), so onnxruntime is the default; no approximate index yet';

/**
 * PatchCore (Roth et al., CVPR 2022) behind the shared {@link AnomalyModel} interface.
 * Create with {@link createPatchcore} or {@link PatchcoreModel.load}; free with `dispose()`.
 */
export class PatchcoreModel extends BackboneFeatureModel<ResolvedPatchcoreConfig, FittedState> implements AnomalyModel {
  readonly kind = 'patchcore' as const;
  private pipeline: PatchFeaturePipeline | null = null;
  private knn: NearestNeighbourIndex | null = null;

  private constructor(extractor: FeatureExtractor, config: ResolvedPatchcoreConfig, fitted: FittedState | null, options: PatchcoreOptions) {
    super('PatchcoreModel', extractor, config, fitted, options);
  }

  /** Async factory: validates the config and the backbone layers (unknown layers fail here). The model is unfitted. */
  static async create(extractor: FeatureExtractor, config: TPatchcoreConfigInput = {}, options: PatchcoreOptions = {}): Promise<PatchcoreModel> {
    const model = new PatchcoreModel(extractor, resolvePatchcoreConfig(config), null, options);
    await model.features();
    return model;
  }

  /** Loads a model written by `save(dir)`; `extractor` must be the backbone it was fitted with. */
  static async load(dir: string, extractor: FeatureExtractor, options: PatchcoreOptions = {}): Promise<PatchcoreModel> {
    const { config, state } = await readFitted(dir, extractor);
    const model = new PatchcoreModel(extractor, config, state, options);
    await model.features();
    return model;
  }

  /** The fitted memory bank (null before fit). */
  get memoryBank(): MemoryBank | null {
    return this.trained?.bank ?? null;
  }

  async fit(trainImages: readonly DecodedImage[], options: FitOptions = {}): Promise<FitReport> {
    const started = Date.now();
    const { onProgress, signal } = options;
    if (trainImages.length === 0) throw new Error('PatchcoreModel.fit: no training images');
    const cfg = this.config;
    const pipeline = await this.features();
    await this.knn?.dispose();
    this.knn = null;

    this.trained = await fitMemoryBank(pipeline, trainImages, cfg, { onProgress, signal });

    return {
      resolvedConfig: this.resolvedConfig(),
      backend: `onnxruntime-node (${this.extractor.runtime}); kNN ${cfg.knnEngine}`,
      seed: cfg.seed,
      wallSeconds: (Date.now() - started) / 1000,
      deviations: PATCHCORE_DEVIATIONS,
    };
  }

  /** Config plus what fitting determined (bank size, grid), as recorded with a run. */
  resolvedConfig(): Record<string, unknown> {
    return {
      model: 'patchcore',
      ...this.config,
      backbone: backboneRecordOf(this.extractor),
      memoryBank: this.trained ? { size: this.trained.bank.size, dim: this.trained.bank.dim, fromPatches: this.trained.trainPatches } : null,
      featureGrid: this.trained ? [this.trained.gridH, this.trained.gridW] : null,
      knnEngineChoice: KNN_ENGINE_CHOICE,
      deviations: PATCHCORE_DEVIATIONS,
    };
  }

  async score(images: readonly DecodedImage[]): Promise<ScoreResult> {
    const state = this.requireTrained();
    if (images.length === 0) return { imageScores: new Float32Array(0), anomalyMaps: { data: new Float32Array(0), dims: [0, 1, 0, 0] } };
    const { width, height } = images[0];
    const knn = await this.index();
    const pipeline = await this.features();
    const imageScores = new Float32Array(images.length);
    const maps = new Float32Array(images.length * width * height);
    for (let start = 0; start < images.length; start += this.config.batchSize) {
      const batch = images.slice(start, start + this.config.batchSize);
      const f = await pipeline.run(batch);
      const { patchScores, imageScores: batchScores } = await scorePatchRows(f, state.bank, knn, this.kNeighbours());
      imageScores.set(batchScores, start);
      const m = patchScoresToAnomalyMap({ data: patchScores, dims: [f.images, 1, f.gridH, f.gridW] }, height, width, this.config.blurSigma);
      maps.set(m.data, start * width * height);
    }
    return { imageScores, anomalyMaps: { data: maps, dims: [images.length, 1, height, width] } };
  }

  async save(dir: string): Promise<void> {
    await saveFitted(dir, this.config, this.extractor, this.requireTrained(), PATCHCORE_DEVIATIONS);
  }

  async exportOnnx(file: string): Promise<number> {
    const state = this.requireTrained();
    const pipeline = await this.features();
    return exportPatchcoreOnnx(file, {
      extractor: this.extractor,
      backboneOnnx: this.options.backboneOnnx,
      layers: pipeline.layers,
      config: this.config,
      bank: state.bank,
    });
  }

  /** Memory bank bytes (float32). The channel projection is recomputed from the config, so it adds nothing. */
  sizeBytes(): number {
    return this.trained ? memoryBankBytes(this.trained.bank) : 0;
  }

  async dispose(): Promise<void> {
    const pipeline = this.pipeline;
    const knn = this.knn;
    this.pipeline = null;
    this.knn = null;
    try {
      await knn?.dispose();
    } finally {
      await pipeline?.dispose();
    }
  }

  private kNeighbours(): number {
    return Math.max(1, this.config.numNeighbors);
  }

  private async features(): Promise<PatchFeaturePipeline> {
    if (!this.pipeline) {
      const c = this.config;
      this.pipeline = await createPatchFeaturePipeline(this.extractor, c.layers, c.patchSize, c.preprocessingDim, c.targetDim, c.threads);
    }
    return this.pipeline;
  }

  private async index(): Promise<NearestNeighbourIndex> {
    if (!this.knn) {
      const state = this.requireTrained();
      this.knn = await createKnnIndex(this.config.knnEngine, state.bank, this.kNeighbours(), { threads: this.config.threads, batchRows: this.config.knnBatchRows });
    }
    return this.knn;
  }
}

/** Non-config options of the factory. */
export type PatchcoreOptions = BackboneExportOptions;

/** Async factory for the shared interface: `const model = await createPatchcore(backbone, { preset: 'small' })`. */
export function createPatchcore(extractor: FeatureExtractor, config: TPatchcoreConfigInput = {}, options: PatchcoreOptions = {}): Promise<PatchcoreModel> {
  return PatchcoreModel.create(extractor, config, options);
}
