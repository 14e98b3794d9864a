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
import { savedConfigFor, StageHeadModel, type BackboneExportOptions } from '@defectlab/backbones';
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

  private constructor(extractor: FeatureExtractor, config: ResolvedFastflowConfig, trained: Trained | null, options: FastflowOptions) {
    super('fastflow', 'FastflowModel', extractor, config, trained, options);
  }

  static create(extractor: FeatureExtractor, config: TFastflowConfigInput = {}, options: FastflowOptions = {}): FastflowModel {
    return new FastflowModel(extractor, resolveFastflowConfig(config), null, options);
  }

  /** Loads a model written by `save(dir)`; `extractor` must be the backbone it was trained with. */
  static async load(dir: string, extractor: FeatureExtractor, options: FastflowOptions = {}): Promise<FastflowModel> {
    const { meta, weights } = await loadModel<ResolvedFastflowConfig>(dir);
    return new FastflowModel(extractor, savedConfigFor('FastflowModel', meta, extractor, resolveFastflowConfig), { weights, imageSize: meta.imageSize }, options);
  }

  deviations(): string[] {
    return [...FASTFLOW_DEVIATIONS, ...configDeviations(this.config)];
  }

  async fit(trainImages: readonly DecodedImage[], options: FitOptions = {}): Promise<FitReport> {
    const started = Date.now();
    const cfg = this.config;
    const { onProgress, signal } = options;
    const source = await this.stageFeaturesForFit(trainImages, options);
    const shape = { stages: source.shapes, flowSteps: cfg.flowSteps, hiddenRatio: cfg.hiddenRatio, conv3x3Only: cfg.conv3x3Only, clamp: cfg.clamp };
    const initial = initFastflowWeights(shape, cfg.seed);
    const batch = effectiveBatchSize(trainImages.length, cfg.batchSize);
    // a resumed fit may run more epochs, but everything shaping the training graph or the batches must match
    const identity = this.checkpointIdentity(source, ['epochs'], { batch });
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
    return this.fitReport(started, cfg.epochs, result.epochLosses);
  }

  protected trainedRecord(t: Trained | null): Record<string, unknown> {
    return { stages: t ? t.weights.shape.stages : null, parameters: t ? parameterCount(t.weights) : null };
  }

  async save(dir: string): Promise<void> {
    const t = this.requireTrained();
    await saveModel(dir, t.weights, this.savedDescription(t));
  }

  async exportOnnx(file: string): Promise<number> {
    const t = this.requireTrained();
    return exportFastflowOnnx(file, { ...this.exportSource(t), weights: t.weights });
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
