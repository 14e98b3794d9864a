import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  createSession,
  resolveExecutionProvider,
  resolveTrainThreads,
  SeededRandom,
  type AnomalyModel,
  type DecodedImage,
  type FeatureExtractor,
  type FitOptions,
  type FitReport,
  type OnnxSession,
  type ScoreResult,
} from '@defectlab/ml-core';
import { assertSameBackbone, backboneRecordOf, type BackboneExportOptions, type SavedStageModelMeta } from '@defectlab/backbones';
import { toNormalizedBatch } from '@defectlab/datasets';
import { cfaAnomalyMaps } from './anomaly-map';
import { kMeans, meanDescriptors, PositionMean } from './centroids';
import { resolveCfaConfig, type ResolvedCfaConfig, type TCfaConfigInput } from './config';
import { initDescriptor, type DescriptorWeights } from './descriptor';
import { exportCfaOnnx } from './export-onnx';
import { createFeatureAggregator, type FeatureAggregator } from './feature-aggregation';
import { buildCfaHeadGraph, type CfaInferenceState } from './score-graph';
import { trainDescriptor, type FeatureBatch } from './train';

/** Every deliberate difference from the paper / reference code, recorded in each FitReport. */
export const CFA_DEVIATIONS: readonly string[] = [
  'Backbone: whatever FeatureExtractor is passed in; with the shared ResNet-50 v2 we use stage1 (raw residual output: the pre-activation net has no BN+ReLU there), stage2_act and stage3_act where the paper uses WideResNet-50-2 layer1-3 (1792 channels either way).',
  'Model selection never looks at the test split (the reference code keeps the epoch with the best test AUROC): with validation images the epoch of lowest validation loss (same soft-boundary loss on normal validation images) is kept, and `patience` can stop early; without them the last epoch is kept.',
  'Training batches are shuffled with a seeded generator (with imagesPerEpoch > 0 each epoch draws that many images, a compute-saving option the paper does not have); the descriptor is initialised like PyTorch Conv2d (uniform +-1/sqrt(fan_in)) from the seed.',
  'k-means (gammaC > 1) is one seeded k-means++ run of Lloyd iterations (the reference: sklearn KMeans).',
  'No resize/center-crop inside the model: callers pass images of one size; the exported graph expects that size (coordinate channels are baked in for the training grid).',
  'The reference min-max rescales anomaly maps over the whole test set before computing AUROC; we do not (it needs test data and does not change rankings).',
  'Hard negatives are the (K+1)..(K+J)-th nearest centres as in the paper (the reference slices dist[:, :, J:], identical for K = J = 3).',
  'Training and inference run on onnxruntime (one training graph: descriptor, loss, backward and AdamW; the inference graph is built from the trained weights).',
];

interface TrainedState extends CfaInferenceState {
  readonly radius: number;
  readonly imageSize: readonly [number, number];
}

/** Non-config options of the factory. */
export type CfaOptions = BackboneExportOptions;

/**
 * CFA (Lee et al., IEEE Access 2022) behind the shared {@link AnomalyModel} interface: trained and
 * scored on onnxruntime. Create with {@link createCfa} or {@link CfaModel.load}.
 */
export class CfaModel implements AnomalyModel {
  readonly kind = 'cfa' as const;
  private aggregator: FeatureAggregator | null = null;
  private head: OnnxSession | null = null;

  private constructor(
    private readonly extractor: FeatureExtractor,
    readonly config: ResolvedCfaConfig,
    private state: TrainedState | null,
    private readonly options: CfaOptions,
  ) {}

  static async create(extractor: FeatureExtractor, config: TCfaConfigInput = {}, options: CfaOptions = {}): Promise<CfaModel> {
    const model = new CfaModel(extractor, resolveCfaConfig(config), null, options);
    await model.features();
    return model;
  }

  /** Loads a model written by `save(dir)`; `extractor` must be the backbone it was trained with. */
  static async load(dir: string, extractor: FeatureExtractor, options: CfaOptions = {}): Promise<CfaModel> {
    const meta = JSON.parse(await fs.readFile(path.join(dir, 'cfa.json'), 'utf8')) as SavedMeta;
    if (meta.format !== SAVE_FORMAT) throw new Error(`CfaModel.load: unknown format ${meta.format}`);
    assertSameBackbone('CfaModel', meta.backbone, extractor);
    const { inChannels: C, outChannels: D } = meta.descriptor;
    const weightsBuf = await readFloats(path.join(dir, 'descriptor.f32'), C * D + 2 * D + D);
    const centres = await readFloats(path.join(dir, 'centres.f32'), meta.centres * D);
    const weights: DescriptorWeights = { inChannels: C, outChannels: D, wf: weightsBuf.slice(0, C * D), wc: weightsBuf.slice(C * D, C * D + 2 * D), b: weightsBuf.slice(C * D + 2 * D) };
    const config = resolveCfaConfig({ ...meta.config, layers: [...meta.config.layers] });
    const model = new CfaModel(extractor, config, { weights, centres, gridH: meta.gridH, gridW: meta.gridW, K: config.K, radius: meta.radius, imageSize: meta.imageSize }, options);
    await model.features();
    return model;
  }

  async fit(trainImages: readonly DecodedImage[], options: FitOptions = {}): Promise<FitReport> {
    const started = Date.now();
    const { onProgress, signal } = options;
    if (trainImages.length === 0) throw new Error('CfaModel.fit: no training images');
    const cfg = this.config;
    const aggregator = await this.features();
    await this.head?.release();
    this.head = null;
    const { threads } = resolveTrainThreads(options.threads);
    const provider = resolveExecutionProvider(options.executionProvider ?? 'auto');
    options.log?.(`cfa: ${provider.reason}; ${threads} intra-op thread(s)`);

    // 1. one pass over the training set: per-position mean features, and a feature cache when it fits
    const mean = new PositionMean();
    const cache: Float32Array[] = [];
    let grid = { h: 0, w: 0 };
    let cacheOk = true;
    for (let start = 0; start < trainImages.length; start += cfg.batchSize) {
      signal?.throwIfAborted();
      const batch = trainImages.slice(start, start + cfg.batchSize);
      const f = await aggregator.run(batch);
      grid = { h: f.gridH, w: f.gridW };
      mean.add(f.rows, f.images);
      cacheOk = cacheOk && f.rows.byteLength * Math.ceil(trainImages.length / cfg.batchSize) <= cfg.featureCacheBytes;
      if (cacheOk) cache.push(f.rows.slice());
      onProgress?.({ phase: 'features', step: start + batch.length, steps: trainImages.length });
    }
    const cached = cacheOk && cache.length > 0;
    const C = aggregator.dim;
    const D = Math.max(1, Math.floor(C / cfg.gammaD));

    // 2. memory bank: mean descriptors of the untrained CoordConv (reference _init_centroid), optionally k-means
    const initial = initDescriptor(C, D, cfg.seed);
    let centres = meanDescriptors(initial, mean.mean(), grid.h, grid.w);
    const positions = grid.h * grid.w;
    if (cfg.gammaC > 1) {
      onProgress?.({ phase: 'memory-bank', message: `k-means ${positions} -> ${Math.floor(positions / cfg.gammaC)} centres` });
      centres = kMeans(centres, D, Math.max(1, Math.floor(positions / cfg.gammaC)), cfg.kmeansIterations, cfg.seed + 1);
    }
    onProgress?.({ phase: 'memory-bank', message: `memory bank ${centres.length / D} x ${D}` });

    // 3. train the descriptor (and r) with the soft-boundary loss
    const rng = new SeededRandom(cfg.seed + 2);
    const perEpoch = cfg.imagesPerEpoch > 0 ? Math.min(cfg.imagesPerEpoch, trainImages.length) : trainImages.length;
    const nBatches = Math.ceil(perEpoch / cfg.batchSize);
    const totalSteps = nBatches * cfg.epochs;
    let stepsDone = 0;
    const trainStarted = Date.now();
    const batchesFor = async function* (this: CfaModel): AsyncIterable<FeatureBatch> {
      const order = rng.sample(trainImages.length, perEpoch);
      for (let s = 0; s < perEpoch; s += cfg.batchSize) {
        const idx = Array.from(order.subarray(s, s + cfg.batchSize));
        if (cached) {
          const per = positions * C;
          const rows = new Float32Array(idx.length * per);
          idx.forEach((i, k) => rows.set(cache[Math.floor(i / cfg.batchSize)].subarray((i % cfg.batchSize) * per, (i % cfg.batchSize + 1) * per), k * per));
          yield { rows, images: idx.length };
        } else {
          const f = await aggregator.run(idx.map((i) => trainImages[i]));
          yield { rows: f.rows, images: f.images };
        }
      }
    };
    const validation = options.validation && options.validation.length > 0 ? options.validation : null;
    const validationBatches = validation
      ? async function* (): AsyncIterable<FeatureBatch> {
          for (let s = 0; s < validation.length; s += cfg.batchSize) {
            const f = await aggregator.run(validation.slice(s, s + cfg.batchSize));
            yield { rows: f.rows, images: f.images };
          }
        }
      : null;
    const result = await trainDescriptor({
      threads,
      executionProvider: provider.provider,
      initial,
      radius: cfg.radius,
      centres,
      gridH: grid.h,
      gridW: grid.w,
      loss: { K: cfg.K, J: cfg.J, alpha: cfg.alpha, nu: cfg.nu },
      epochs: cfg.epochs,
      learningRate: cfg.learningRate,
      weightDecay: cfg.weightDecay,
      amsgrad: cfg.amsgrad,
      patience: cfg.patience,
      trainBatches: () => batchesFor.call(this),
      validationBatches,
      signal,
      onStep: ({ epoch, step, loss }) => {
        stepsDone++;
        const elapsed = (Date.now() - trainStarted) / 1000;
        onProgress?.({ phase: 'train', epoch, epochs: cfg.epochs, step, steps: nBatches, loss, throughput: (stepsDone * cfg.batchSize) / elapsed, etaSeconds: (elapsed / stepsDone) * (totalSteps - stepsDone) });
      },
      onEpoch: ({ epoch, trainLoss, validationLoss }) =>
        onProgress?.({ phase: 'train', epoch, epochs: cfg.epochs, loss: trainLoss, message: validationLoss === null ? undefined : `validation loss ${validationLoss.toPrecision(5)}` }),
    });
    this.state = {
      weights: result.weights,
      centres,
      gridH: grid.h,
      gridW: grid.w,
      K: cfg.K,
      radius: result.radius,
      imageSize: [trainImages[0].width, trainImages[0].height],
    };
    const e = result.engine;
    const backend = `${e.engine} (${e.executionProvider}, ${e.threads} thread${e.threads === 1 ? '' : 's'})`;
    this.lastTraining = { ...result, backend, featureCache: cached };
    return {
      resolvedConfig: this.resolvedConfig(),
      backend: `${backend}; inference onnxruntime-node`,
      engine: e,
      seed: cfg.seed,
      wallSeconds: (Date.now() - started) / 1000,
      epochsRun: result.epochsRun,
      finalLoss: result.trainLosses[result.trainLosses.length - 1],
      deviations: CFA_DEVIATIONS,
    };
  }

  private lastTraining: Record<string, unknown> | null = null;

  /** Config plus what fitting determined, as recorded with a run. */
  resolvedConfig(): Record<string, unknown> {
    const s = this.state;
    return {
      model: 'cfa',
      ...this.config,
      backbone: backboneRecordOf(this.extractor),
      descriptor: s ? { inChannels: s.weights.inChannels, outChannels: s.weights.outChannels } : null,
      memoryBank: s ? { size: s.centres.length / s.weights.outChannels, dim: s.weights.outChannels } : null,
      featureGrid: s ? [s.gridH, s.gridW] : null,
      learnedRadius: s?.radius ?? null,
      training: this.lastTraining
        ? {
            epochsRun: this.lastTraining.epochsRun,
            keptEpoch: this.lastTraining.keptEpoch,
            trainLosses: this.lastTraining.trainLosses,
            validationLosses: this.lastTraining.validationLosses,
            backend: this.lastTraining.backend,
            featureCache: this.lastTraining.featureCache,
            modelSelection: 'validation loss only; the test split is never looked at',
          }
        : null,
      deviations: CFA_DEVIATIONS,
    };
  }

  async score(images: readonly DecodedImage[]): Promise<ScoreResult> {
    const state = this.requireTrained();
    if (images.length === 0) return { imageScores: new Float32Array(0), anomalyMaps: { data: new Float32Array(0), dims: [0, 1, 0, 0] } };
    const { width, height } = images[0];
    const head = await this.scoringSession();
    const aggregator = await this.features();
    const imageScores = new Float32Array(images.length);
    const maps = new Float32Array(images.length * width * height);
    for (let start = 0; start < images.length; start += this.config.batchSize) {
      const batch = images.slice(start, start + this.config.batchSize);
      const maps0 = await this.extractor.extract(toNormalizedBatch(batch, this.extractor.normalization), aggregator.layers.map((l) => l.name));
      const { patch_scores } = await head.run(maps0);
      if (patch_scores.dims[2] !== state.gridH || patch_scores.dims[3] !== state.gridW) {
        throw new Error(`CfaModel.score: images give a ${patch_scores.dims[2]}x${patch_scores.dims[3]} grid, the model was trained on ${state.gridH}x${state.gridW}`);
      }
      const out = cfaAnomalyMaps(patch_scores, height, width, this.config.blurSigma);
      imageScores.set(out.imageScores, start);
      maps.set(out.maps.data, start * width * height);
    }
    return { imageScores, anomalyMaps: { data: maps, dims: [images.length, 1, height, width] } };
  }

  async save(dir: string): Promise<void> {
    const s = this.requireTrained();
    await fs.mkdir(dir, { recursive: true });
    const { wf, wc, b } = s.weights;
    const weights = new Float32Array(wf.length + wc.length + b.length);
    weights.set(wf, 0);
    weights.set(wc, wf.length);
    weights.set(b, wf.length + wc.length);
    await fs.writeFile(path.join(dir, 'descriptor.f32'), bytesOf(weights));
    await fs.writeFile(path.join(dir, 'centres.f32'), bytesOf(s.centres));
    const meta: SavedMeta = {
      format: SAVE_FORMAT,
      config: this.config,
      backbone: backboneRecordOf(this.extractor),
      descriptor: { inChannels: s.weights.inChannels, outChannels: s.weights.outChannels },
      centres: s.centres.length / s.weights.outChannels,
      gridH: s.gridH,
      gridW: s.gridW,
      radius: s.radius,
      imageSize: s.imageSize,
      deviations: CFA_DEVIATIONS,
    };
    await fs.writeFile(path.join(dir, 'cfa.json'), JSON.stringify(meta, null, 2));
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
    const s = this.state;
    if (!s) return 0;
    return (s.weights.wf.length + s.weights.wc.length + s.weights.b.length + s.centres.length) * 4;
  }

  async dispose(): Promise<void> {
    const head = this.head;
    const aggregator = this.aggregator;
    this.head = null;
    this.aggregator = null;
    try {
      await head?.release();
    } finally {
      await aggregator?.dispose();
    }
  }

  private requireTrained(): TrainedState {
    if (!this.state) throw new Error('CfaModel: not trained (call fit or load first)');
    return this.state;
  }

  private async features(): Promise<FeatureAggregator> {
    if (!this.aggregator) this.aggregator = await createFeatureAggregator(this.extractor, this.config.layers, this.config.threads);
    return this.aggregator;
  }

  private async scoringSession(): Promise<OnnxSession> {
    if (!this.head) {
      const aggregator = await this.features();
      this.head = await createSession(buildCfaHeadGraph(aggregator.layers, this.requireTrained()), { threads: this.config.threads });
    }
    return this.head;
  }
}

const SAVE_FORMAT = 'defectlab-cfa-v1';

interface SavedMeta extends SavedStageModelMeta<ResolvedCfaConfig> {
  readonly descriptor: { readonly inChannels: number; readonly outChannels: number };
  readonly centres: number;
  readonly gridH: number;
  readonly gridW: number;
  readonly radius: number;
}

function bytesOf(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

async function readFloats(file: string, expected: number): Promise<Float32Array> {
  const buf = await fs.readFile(file);
  if (buf.byteLength !== expected * 4) throw new Error(`CfaModel.load: ${file} has ${buf.byteLength} bytes, expected ${expected * 4}`);
  const out = new Float32Array(expected);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

/** Async factory: `const model = await createCfa(backbone, { preset: 'small' })`. */
export function createCfa(extractor: FeatureExtractor, config: TCfaConfigInput = {}, options: CfaOptions = {}): Promise<CfaModel> {
  return CfaModel.create(extractor, config, options);
}
