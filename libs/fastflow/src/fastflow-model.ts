/**
 * FastFlow behind the shared {@link AnomalyModel} interface: frozen backbone stages, one 2D flow per stage
 * trained on the ONNX training graph, scoring through onnxruntime with the same declared network.
 */
import {
  type AnomalyModel,
  type DecodedImage,
  type FeatureExtractor,
  type FitOptions,
  type FitReport,
} from '@defectlab/ml-core';
import { assertSameBackbone, backboneRecordOf, StageFeatureSource, StageHeadModel, trainingGraphBackend, type BackboneExportOptions } from '@defectlab/backbones';
import { configDeviations, FASTFLOW_DEVIATIONS, resolveFastflowConfig, type ResolvedFastflowConfig, type TFastflowConfigInput } from './config';
import { exportFastflowOnnx } from './export-onnx';
import { initFastflowWeights, parameterCount, type FastflowWeights } from './network';
import { loadModel, readCheckpoint, saveModel, writeCheckpoint } from './persist';
import { buildHeadGraph } from './score';
import { effectiveBatchSize, trainFastflow } from './train';

interface Trained {
  readonly weights: FastflowWeights;
  readonly imageSize: readonly [number, number];
}

export type FastflowOptions = BackboneExportOptions;

export class FastflowModel extends StageHeadModel<ResolvedFastflowConfig, Trained> implements AnomalyModel {
  readonly kind = 'fastflow' as const;
  private training: Record<string, unknown> | null = null;

  private constructor(extractor: FeatureExtractor, config: ResolvedFastflowConfig, trained: Trained | null, options: FastflowOptions) {
    super('fastflow', 'FastflowModel', extractor, config, trained, options);
  }

  static create(extractor: FeatureExtractor, config: TFastflowConfigInput = {}, options: FastflowOptions = {}): FastflowModel {
    return new FastflowModel(extractor, resolveFastflowConfig(config), null, options);
  }

  /** Loads a model written by `save(dir)`; `extractor` must be the backbone it was trained with. */
  static async load(dir: string, extractor: FeatureExtractor, options: FastflowOptions = {}): Promise<FastflowModel> {
    const { meta, weights } = await loadModel<ResolvedFastflowConfig>(dir);
    assertSameBackbone('FastflowModel', meta.backbone, extractor);
    return new FastflowModel(extractor, resolveFastflowConfig({ ...meta.config, layers: [...meta.config.layers] }), { weights, imageSize: meta.imageSize }, options);
  }

  deviations(): string[] {
    return [...FASTFLOW_DEVIATIONS, ...configDeviations(this.config)];
  }

  async fit(trainImages: readonly DecodedImage[], options: FitOptions = {}): Promise<FitReport> {
    if (trainImages.length === 0) throw new RangeError('fastflow: fit needs at least one training image');
    const started = Date.now();
    const cfg = this.config;
    const { onProgress, signal } = options;
    signal?.throwIfAborted();
    await this.releaseHead();
    const source = await StageFeatureSource.create(this.extractor, trainImages, cfg.layers, { cacheBytes: cfg.featureCacheBytes, batchSize: cfg.batchSize, onProgress, signal });
    const shape = { stages: source.shapes, flowSteps: cfg.flowSteps, hiddenRatio: cfg.hiddenRatio, conv3x3Only: cfg.conv3x3Only, clamp: cfg.clamp };
    const initial = initFastflowWeights(shape, cfg.seed);
    const batch = effectiveBatchSize(trainImages.length, cfg.batchSize);
    // what a resumed fit must match: everything that shapes the training graph or the batches (not the epoch count)
    const { epochs: _epochs, threads: _threads, featureCacheBytes: _cache, ...trainingSettings } = cfg;
    const identity = JSON.stringify({ ...trainingSettings, stages: source.shapes, images: trainImages.length, batch, backbone: this.extractor.sha256 });
    const checkpoint = options.checkpointDir ? await readCheckpoint(options.checkpointDir, identity) : null;
    const steps = Math.floor(trainImages.length / batch);
    const trainStarted = Date.now();
    let done = 0;
    const total = steps * (cfg.epochs - (checkpoint?.epoch ?? 0));
    const result = await trainFastflow({
      weights: initial,
      images: trainImages.length,
      batch: (idx) => source.batch(idx),
      epochs: cfg.epochs,
      batchSize: cfg.batchSize,
      learningRate: cfg.learningRate,
      weightDecay: cfg.weightDecay,
      gradClipNorm: cfg.gradClipNorm,
      threads: cfg.threads,
      seed: cfg.seed + 1,
      signal,
      resume: checkpoint ?? undefined,
      onStep: ({ epoch, step, steps: n, loss }) => {
        done++;
        const elapsed = (Date.now() - trainStarted) / 1000;
        onProgress?.({ phase: 'train', epoch, epochs: cfg.epochs, step, steps: n, loss, throughput: (done * batch) / Math.max(elapsed, 1e-3), etaSeconds: (elapsed / done) * (total - done) });
      },
      onEpoch: async ({ epoch, meanLoss, state }) => {
        onProgress?.({ phase: 'train', epoch, epochs: cfg.epochs, loss: meanLoss });
        if (options.checkpointDir) await writeCheckpoint(options.checkpointDir, identity, epoch, state());
      },
    });
    this.trained = { weights: result.weights, imageSize: [trainImages[0].width, trainImages[0].height] };
    this.training = { epochLosses: result.epochLosses, steps: result.steps, batchSize: batch, featureCache: source.cached, resumedFromEpoch: checkpoint?.epoch ?? null };
    return {
      resolvedConfig: this.resolvedConfig(),
      backend: trainingGraphBackend(cfg.threads),
      seed: cfg.seed,
      wallSeconds: (Date.now() - started) / 1000,
      epochsRun: cfg.epochs,
      finalLoss: result.epochLosses[result.epochLosses.length - 1],
      deviations: this.deviations(),
    };
  }

  /** Config plus what fitting determined, as recorded with a run. */
  resolvedConfig(): Record<string, unknown> {
    const t = this.trained;
    return {
      model: 'fastflow',
      ...this.config,
      backbone: backboneRecordOf(this.extractor),
      stages: t ? t.weights.shape.stages : null,
      parameters: t ? parameterCount(t.weights) : null,
      training: this.training,
      deviations: this.deviations(),
    };
  }

  async save(dir: string): Promise<void> {
    const t = this.requireTrained();
    await saveModel(dir, t.weights, {
      config: this.config,
      backbone: backboneRecordOf(this.extractor),
      imageSize: t.imageSize,
      deviations: this.deviations(),
    });
  }

  async exportOnnx(file: string): Promise<number> {
    const t = this.requireTrained();
    return exportFastflowOnnx(file, {
      extractor: this.extractor,
      backboneOnnx: this.options.backboneOnnx,
      layers: this.config.layers,
      weights: t.weights,
      imageSize: t.imageSize,
      scoreMode: this.config.scoreMode,
      topKFraction: this.config.topKFraction,
      docString: JSON.stringify({ model: 'fastflow', config: this.config }),
    });
  }

  /** float32 bytes of the flows' parameters (backbone excluded). */
  sizeBytes(): number {
    return this.trained ? parameterCount(this.trained.weights) * 4 : 0;
  }

  protected headGraph(t: Trained): Uint8Array {
    return buildHeadGraph(t.weights, this.config.layers, t.imageSize);
  }
}

/** `const model = createFastflow(backbone, { preset: 'small' })`. */
export function createFastflow(extractor: FeatureExtractor, config: TFastflowConfigInput = {}, options: FastflowOptions = {}): FastflowModel {
  return FastflowModel.create(extractor, config, options);
}
