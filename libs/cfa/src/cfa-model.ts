/**
 * CFA (Lee et al., IEEE Access 2022) behind the shared {@link AnomalyModel} interface. The work lives in
 * one file per job: train.ts (fit), score.ts (scoring), persist.ts (save/load), export-onnx.ts (one graph).
 */
import { BackboneFeatureModel, backboneRecordOf, type BackboneExportOptions } from '@defectlab/backbones';
import { createSession, type AnomalyModel, type DecodedImage, type FeatureExtractor, type FitOptions, type FitReport, type OnnxSession, type ScoreResult } from '@defectlab/ml-core';
import { CFA_DEVIATIONS, resolveCfaConfig, type ResolvedCfaConfig, type TCfaConfigInput } from './config';
import { exportCfaOnnx } from './export-onnx';
import { createFeatureAggregator, type FeatureAggregator } from './feature-aggregation';
import { loadCfa, saveCfa } from './persist';
import { scoreCfa } from './score';
import { buildCfaHeadGraph } from './score-graph';
import { fitCfa, type CfaTrainedState, type CfaTrainingRecord } from './train';

/** Non-config options of the factory. */
export type CfaOptions = BackboneExportOptions;

/** Create with {@link createCfa} or {@link CfaModel.load}; free with `dispose()`. */
export class CfaModel extends BackboneFeatureModel<ResolvedCfaConfig, CfaTrainedState> implements AnomalyModel {
  readonly kind = 'cfa' as const;
  private aggregator: FeatureAggregator | null = null;
  private head: OnnxSession | null = null;
  private training: CfaTrainingRecord | null = null;

  private constructor(extractor: FeatureExtractor, config: ResolvedCfaConfig, trained: CfaTrainedState | null, options: CfaOptions) {
    super('CfaModel', extractor, config, trained, options);
  }

  /** Async factory: validates the config and the backbone layers. The model is untrained. */
  static async create(extractor: FeatureExtractor, config: TCfaConfigInput = {}, options: CfaOptions = {}): Promise<CfaModel> {
    return new CfaModel(extractor, resolveCfaConfig(config), null, options).withFeatures();
  }

  /** Loads a model written by `save(dir)`; `extractor` must be the backbone it was trained with. */
  static async load(dir: string, extractor: FeatureExtractor, options: CfaOptions = {}): Promise<CfaModel> {
    const saved = await loadCfa(dir, extractor);
    return new CfaModel(extractor, saved.config, saved.state, options).withFeatures();
  }

  async fit(trainImages: readonly DecodedImage[], options: FitOptions = {}): Promise<FitReport> {
    const started = Date.now();
    if (trainImages.length === 0) throw new Error('CfaModel.fit: no training images');
    const aggregator = await this.features();
    await this.releaseHead();
    const { state, training } = await fitCfa(aggregator, trainImages, this.config, options);
    this.trained = state;
    this.training = training;
    return {
      resolvedConfig: this.resolvedConfig(),
      backend: `${training.backend}; inference onnxruntime-node`,
      engine: training.engine,
      seed: this.config.seed,
      wallSeconds: (Date.now() - started) / 1000,
      epochsRun: training.epochsRun,
      finalLoss: training.trainLosses[training.trainLosses.length - 1],
      deviations: CFA_DEVIATIONS,
    };
  }

  /** Config plus what fitting determined, as recorded with a run. */
  resolvedConfig(): Record<string, unknown> {
    const s = this.trained;
    const t = this.training;
    return {
      model: 'cfa',
      ...this.config,
      backbone: backboneRecordOf(this.extractor),
      descriptor: s ? { inChannels: s.weights.inChannels, outChannels: s.weights.outChannels } : null,
      memoryBank: s ? { size: s.centres.length / s.weights.outChannels, dim: s.weights.outChannels } : null,
      featureGrid: s ? [s.gridH, s.gridW] : null,
      learnedRadius: s?.radius ?? null,
      training: t
        ? {
            epochsRun: t.epochsRun,
            keptEpoch: t.keptEpoch,
            trainLosses: t.trainLosses,
            validationLosses: t.validationLosses,
            backend: t.backend,
            featureCache: t.featureCache,
            modelSelection: 'validation loss only; the test split is never looked at',
          }
        : null,
      deviations: CFA_DEVIATIONS,
    };
  }

  async score(images: readonly DecodedImage[]): Promise<ScoreResult> {
    const state = this.requireTrained();
    const aggregator = await this.features();
    const head = await this.scoringSession();
    return scoreCfa(images, { extractor: this.extractor, layers: aggregator.layers, head, state, batchSize: this.config.batchSize, blurSigma: this.config.blurSigma });
  }

  async save(dir: string): Promise<void> {
    await saveCfa(dir, this.config, this.extractor, this.requireTrained(), CFA_DEVIATIONS);
  }

  async exportOnnx(file: string): Promise<number> {
    const s = this.requireTrained();
    const aggregator = await this.features();
    return exportCfaOnnx(file, {
      extractor: this.extractor,
      backboneOnnx: this.options.backboneOnnx,
      layers: aggregator.layers,
      state: s,
      blurSigma: this.config.blurSigma,
      docString: JSON.stringify({ model: 'cfa', config: this.config, radius: s.radius }),
    });
  }

  /** Descriptor weights + memory bank, float32 bytes. */
  sizeBytes(): number {
    const s = this.trained;
    return s ? (s.weights.wf.length + s.weights.wc.length + s.weights.b.length + s.centres.length) * 4 : 0;
  }

  async dispose(): Promise<void> {
    const aggregator = this.aggregator;
    this.aggregator = null;
    try {
      await this.releaseHead();
    } finally {
      await aggregator?.dispose();
    }
  }

  /** Builds the feature aggregator now, so unknown layers fail at creation. */
  private async withFeatures(): Promise<this> {
    await this.features();
    return this;
  }

  private async features(): Promise<FeatureAggregator> {
    if (!this.aggregator) this.aggregator = await createFeatureAggregator(this.extractor, this.config.layers, this.config.threads);
    return this.aggregator;
  }

  private async scoringSession(): Promise<OnnxSession> {
    if (!this.head) this.head = await createSession(buildCfaHeadGraph((await this.features()).layers, this.requireTrained()), { threads: this.config.threads });
    return this.head;
  }

  private async releaseHead(): Promise<void> {
    const head = this.head;
    this.head = null;
    await head?.release();
  }
}

/** Async factory: `const model = await createCfa(backbone, { preset: 'small' })`. */
export function createCfa(extractor: FeatureExtractor, config: TCfaConfigInput = {}, options: CfaOptions = {}): Promise<CfaModel> {
  return CfaModel.create(extractor, config, options);
}
