/**
 * CS-Flow behind the shared `AnomalyModel` interface: backbone features at three input scales
 * (extracted once per fit and cached in memory), an optional fixed 1x1 PCA reduction, the flow
 * trained on onnxruntime (one ONNX graph per step: forward + loss + backward + Adam), and inference
 * through onnxruntime on the exported forward graph of the same network declaration.
 */
import { createHash } from 'node:crypto';
import type { BackboneExportOptions } from '@defectlab/backbones';
import {
  createSession,
  resolveExecutionProvider,
  resolveTrainThreads,
  type AnomalyModel,
  type DecodedImage,
  type FeatureExtractor,
  type FitOptions,
  type FitReport,
  type OnnxSession,
  type ScoreResult,
  type Tensor,
} from '@defectlab/ml-core';
import { anomalyMaps } from './anomaly-map';
import { flowParameterCount, resolveConfig, trainingDeviations, type TCsflowConfig, type TCsflowConfigInput } from './config';
import { buildFlowOnnx, exportCsflowOnnx } from './export-onnx';
import { defaultFeatureLayer, extractScales } from './features';
import { flowWeightCount, initFlowWeights, type FlowShape } from './network';
import { loadCsflow, saveCsflow, type TrainedFlow } from './persist';
import { applyReduction, fitPcaReduction, type Reduction } from './reduction';
import { imageScores } from './score';
import { trainFlow } from './train';

const PAPER_BACKBONE_CHANNELS = 304;

/** Non-config options of the constructor. */
export type CsflowOptions = BackboneExportOptions;

/** What a fit recorded about training, kept with the run (`resolvedConfig.training`); the web's loss chart draws its `validation*` arrays. */
export interface CsflowTrainingRecord {
  /** Mean training loss per epoch (restored epochs included). */
  readonly trainLosses: readonly number[];
  /** Per epoch: mean training loss of the good validation images; null = no validation pass that epoch. */
  readonly validationLosses: readonly (number | null)[];
  /** Per epoch: image AUROC of good vs defective validation images (the model's own image score); null = none. */
  readonly validationAuroc: readonly (number | null)[];
  readonly validateEvery: number;
  /** Validation images the passes of this fit used. */
  readonly validationImages: { readonly good: number; readonly defective: number };
  /** Wall seconds of this fit's validation passes (feature extraction excluded), and the extraction's. */
  readonly validationSeconds: { readonly passes: number; readonly features: number };
  /** Epochs restored from a checkpoint (0 for a fit from scratch); trainLosses covers them too. */
  readonly resumedFromEpoch: number;
  readonly modelSelection: string;
}

const MODEL_SELECTION = 'last epoch (as the paper); validation is recorded, never used to pick';

/** Position scores of the three scales plus the derived outputs. */
export interface FeatureScores {
  /** Per scale [N, 1, Hs, Ws]: channel mean of 0.5 * z^2. */
  readonly positions: Tensor[];
  readonly imageScores: Float32Array;
}

export class CsFlowModel implements AnomalyModel {
  readonly kind = 'csflow' as const;
  readonly config: TCsflowConfig;
  private trained: TrainedFlow | null = null;
  private session: OnnxSession | null = null;
  private engine: FitReport['engine'] | undefined;
  private training: CsflowTrainingRecord | null = null;

  /**
   * @param extractor a frozen backbone (not disposed by this model)
   * @param config `{ preset?, ...overrides }`; see `ZCsflowConfig` for every key and default
   * @param options the backbone graph for `exportOnnx` when the extractor exposes no `modelPath`
   */
  constructor(
    readonly extractor: FeatureExtractor,
    config: unknown = {},
    private readonly options: CsflowOptions = {},
  ) {
    this.config = resolveConfig(config);
  }

  /** The backbone layer this model uses. */
  get featureLayer(): string {
    return this.config.featureLayer || defaultFeatureLayer(this.extractor.layers, this.config.inputSize);
  }

  /** Channels the flow actually sees: the configured count, or fewer when the backbone has fewer. */
  private flowChannels(backboneChannels: number): number {
    return Math.min(this.config.featureChannels, backboneChannels);
  }

  /** Every deliberate difference from the published method for this configuration. */
  deviations(backboneChannels: number): string[] {
    const c = this.config;
    const out: string[] = [];
    out.push(
      `backbone: ${this.extractor.name} layer ${this.featureLayer} (${backboneChannels} channels) instead of EfficientNet-B5 block output (304 channels)`,
    );
    if (backboneChannels > c.featureChannels) {
      out.push(
        `1x1 reduction ${backboneChannels} -> ${c.featureChannels} channels: a fixed PCA projection fitted on training features, centred and scaled to unit mean variance (the paper feeds the backbone's channels directly)`,
      );
    } else if (backboneChannels < c.featureChannels) {
      out.push(`featureChannels ${c.featureChannels} requested but the backbone has ${backboneChannels}: the flow uses ${backboneChannels}`);
    }
    if (c.inputSize !== 768) out.push(`input size ${c.inputSize} (paper: 768, 384, 192)`);
    out.push('scales S/2 and S/4 are the normalised S x S batch halved by 2x2 averaging (the paper resizes the image to each scale); the exported graph does the same with AveragePool, so it takes the one normalised batch');
    if (c.hiddenChannels !== 1024) out.push(`hidden channels ${c.hiddenChannels} (paper: 1024)`);
    if (c.blocks !== 4 || c.kernelSizes.join(',') !== '3,3,3,5') out.push(`blocks ${c.blocks}, kernels ${c.kernelSizes.join(',')} (paper: 4 blocks, 3,3,3,5)`);
    if (c.epochs !== 240) out.push(`epochs ${c.epochs} (paper: 240 = 60 meta-epochs x 4 sub-epochs)`);
    if (c.scoreMode !== 'mean') out.push(`image score '${c.scoreMode}' of the per-position scores (paper: mean of 0.5 z^2)`);
    out.push(...trainingDeviations(c));
    out.push('one random channel permutation per block shared by the three scales');
    if (c.optimizer.gradClipNorm === 1) out.push('gradient-norm clipping at 1 as issue 5 specifies; Adam with torch semantics (L2 weight decay added to the gradient)');
    out.push('training in float32 on onnxruntime-node (forward, backward and Adam in one ONNX graph); inference through the forward subgraph of the same declaration');
    return out;
  }

  async fit(trainImages: readonly DecodedImage[], options: FitOptions = {}): Promise<FitReport> {
    if (trainImages.length === 0) throw new RangeError('csflow: fit needs at least one training image');
    const t0 = Date.now();
    const { threads } = resolveTrainThreads(options.threads);
    const provider = resolveExecutionProvider(options.executionProvider ?? 'auto');
    options.log?.(`csflow: ${provider.reason}; ${threads} intra-op thread(s)`);
    const cfg = this.config;
    const layer = this.featureLayer;
    const feats = await extractScales(this.extractor, trainImages, layer, cfg.inputSize, cfg.featureBatchSize, options.onProgress, options.signal);
    const cb = feats[0].dims[1];
    const channels = this.flowChannels(cb);
    const reduction = cb > channels ? await fitPcaReduction(feats, channels, cfg.reductionSamples, cfg.seed) : null;
    const inputs: Tensor[] = [];
    for (const f of feats) inputs.push(await applyReduction(f, reduction, threads));
    const validation = cfg.validateEvery > 0 ? (options.validation ?? []) : [];
    const defectiveCount = validation.filter((v) => v.defective).length;
    const validationImages = { good: validation.length - defectiveCount, defective: defectiveCount };
    const v0 = Date.now();
    const validationFeatures = validation.length > 0 ? await this.reducedFeatures(validation.map((v) => v.image), reduction, threads, options.signal) : null;
    const featureSeconds = (Date.now() - v0) / 1000;
    if (validationFeatures) {
      options.log?.(`csflow: validation after ${cfg.validateEvery === 1 ? 'every epoch' : `every ${cfg.validateEvery} epochs and the last`} on ${validationImages.good} good + ${validationImages.defective} defective images (features in ${featureSeconds.toFixed(1)} s)`);
    }
    const shape: FlowShape = {
      channels,
      hiddenChannels: cfg.hiddenChannels,
      kernelSizes: cfg.kernelSizes,
      clamp: cfg.clamp,
      leakySlope: cfg.leakySlope,
    };
    await this.releaseTrained();
    this.training = null;
    const result = await trainFlow(initFlowWeights(shape, cfg.seed), inputs, {
      epochs: cfg.epochs,
      batchSize: cfg.batchSize,
      optimizer: cfg.optimizer,
      seed: cfg.seed,
      preset: cfg.preset,
      threads,
      executionProvider: provider.provider,
      onProgress: options.onProgress,
      signal: options.signal,
      checkpointDir: options.checkpointDir,
      checkpointEvery: cfg.checkpointEvery,
      fingerprint: this.fingerprint(feats),
      validation: validationFeatures
        ? {
            features: validationFeatures,
            defective: validation.map((v) => v.defective),
            every: cfg.validateEvery,
            scoreMode: cfg.scoreMode,
            topKFraction: cfg.topKFraction,
            batchSize: cfg.batchSize,
          }
        : undefined,
    });
    this.engine = result.engine;
    this.trained = { weights: result.weights, reduction, layer, inputChannels: cb };
    this.training = {
      trainLosses: result.lossCurve,
      validationLosses: result.validationLosses,
      validationAuroc: result.validationAuroc,
      validateEvery: cfg.validateEvery,
      validationImages,
      validationSeconds: { passes: result.validationSeconds, features: featureSeconds },
      resumedFromEpoch: result.resumedFromEpoch,
      modelSelection: MODEL_SELECTION,
    };
    return {
      resolvedConfig: this.resolvedConfig(cb),
      backend: this.backendDescription(),
      engine: result.engine,
      seed: cfg.seed,
      wallSeconds: (Date.now() - t0) / 1000,
      // the epochs the returned weights were trained for, restored ones included (a fit resumed at its
      // last epoch runs none itself, yet returns a model of that many epochs)
      epochsRun: result.lossCurve.length,
      finalLoss: result.finalLoss,
      deviations: this.deviations(cb),
    };
  }

  /**
   * The three scales of `images` through the backbone and the fitted reduction, one feature batch at a time
   * (only the reduced features are kept: the validation set's, extracted once per fit).
   */
  private async reducedFeatures(images: readonly DecodedImage[], reduction: Reduction | null, threads: number, signal?: AbortSignal): Promise<Tensor[]> {
    const chunks: Tensor[][] = [];
    for (let start = 0; start < images.length; start += this.config.featureBatchSize) {
      const raw = await extractScales(this.extractor, images.slice(start, start + this.config.featureBatchSize), this.featureLayer, this.config.inputSize, this.config.featureBatchSize, undefined, signal);
      const reduced: Tensor[] = [];
      for (const f of raw) reduced.push(await applyReduction(f, reduction, threads));
      chunks.push(reduced);
    }
    return [0, 1, 2].map((si) => {
      const parts = chunks.map((c) => c[si]);
      const data = new Float32Array(parts.reduce((n, p) => n + p.data.length, 0));
      let at = 0;
      for (const p of parts) {
        data.set(p.data, at);
        at += p.data.length;
      }
      return { data, dims: [images.length, ...parts[0].dims.slice(1)] };
    });
  }

  /** e.g. "onnxruntime-node 1.30.0 (cpu, 2 threads)". */
  private backendDescription(): string {
    const e = this.engine;
    return e ? `${e.engine} (${e.executionProvider}, ${e.threads} thread${e.threads === 1 ? '' : 's'})` : '';
  }

  /** The resolved config plus what was derived from the backbone, to be recorded with the run. */
  resolvedConfig(backboneChannels: number): Record<string, unknown> {
    const channels = this.flowChannels(backboneChannels);
    const params = flowParameterCount({ ...this.config, featureChannels: channels });
    const reductionParams = backboneChannels > channels ? channels * backboneChannels + channels : 0;
    return {
      ...this.config,
      featureLayer: this.featureLayer,
      backbone: { name: this.extractor.name, sha256: this.extractor.sha256, channels: backboneChannels },
      flowChannels: channels,
      parameterCount: params + reductionParams,
      sizeBytesFp32: 4 * (params + reductionParams),
      trainingBackend: this.backendDescription(),
      trainingEngine: this.engine ?? null,
      training: this.training,
      deviations: this.deviations(backboneChannels),
    };
  }

  private fingerprint(feats: readonly Tensor[]): string {
    const h = createHash('sha256');
    // validateEvery changes what is recorded, not what is trained: a checkpoint resumes across it (and
    // leaving the key out keeps the hash of checkpoints written before it existed)
    const { validateEvery: _recordedOnly, ...trained } = this.config;
    h.update(JSON.stringify({ ...trained, epochs: 0, checkpointEvery: 0 }));
    h.update(this.extractor.sha256 + this.featureLayer);
    for (const f of feats) {
      h.update(JSON.stringify(f.dims));
      h.update(Buffer.from(f.data.buffer, f.data.byteOffset, Math.min(f.data.byteLength, 1 << 16)));
    }
    return h.digest('hex');
  }

  private requireTrained(): TrainedFlow {
    if (!this.trained) throw new Error('csflow: the model is not trained (call fit or CsFlowModel.load first)');
    return this.trained;
  }

  /** ONNX bytes of the flow head (see export-onnx.ts for inputs and outputs). */
  onnxBytes(): Uint8Array {
    const t = this.requireTrained();
    return buildFlowOnnx(t.weights, {
      reduction: t.reduction,
      inputChannels: t.inputChannels,
      docString: JSON.stringify(this.resolvedConfig(t.inputChannels)),
    });
  }

  /** Extracts the three scales of `images` with this model's backbone layer. */
  extract(images: readonly DecodedImage[]): Promise<Tensor[]> {
    return extractScales(this.extractor, images, this.featureLayer, this.config.inputSize, this.config.featureBatchSize);
  }

  /** Scores pre-extracted backbone features (NCHW per scale) with onnxruntime on the exported graph. */
  async scoreFeaturesOnnx(feats: readonly Tensor[]): Promise<FeatureScores> {
    if (!this.session) this.session = await createSession(this.onnxBytes());
    const out = await this.session.run({ feat0: feats[0], feat1: feats[1], feat2: feats[2] });
    const positions = [out.pos0, out.pos1, out.pos2];
    return { positions, imageScores: imageScores(positions, this.config.scoreMode, this.config.topKFraction) };
  }

  async score(images: readonly DecodedImage[]): Promise<ScoreResult> {
    if (images.length === 0) return { imageScores: new Float32Array(0), anomalyMaps: { data: new Float32Array(0), dims: [0, 1, 0, 0] } };
    const { width, height } = images[0];
    if (images.some((im) => im.width !== width || im.height !== height)) throw new RangeError('csflow: score needs images of one size');
    const feats = await this.extract(images);
    const s = await this.scoreFeaturesOnnx(feats);
    return { imageScores: s.imageScores, anomalyMaps: anomalyMaps(s.positions[0], height, width) };
  }

  async save(dir: string): Promise<void> {
    const t = this.requireTrained();
    await saveCsflow(dir, t, { config: this.config, extractor: this.extractor, engine: this.engine ?? null, resolvedConfig: this.resolvedConfig(t.inputChannels) });
  }

  /** Restores a model written by `save`; the extractor must be the same backbone (checked by sha256). */
  static async load(dir: string, extractor: FeatureExtractor, options: CsflowOptions = {}): Promise<CsFlowModel> {
    const saved = await loadCsflow(dir, extractor);
    const model = new CsFlowModel(extractor, saved.config, options);
    model.engine = saved.engine ?? undefined;
    model.trained = saved.trained;
    model.training = (saved.resolvedConfig?.['training'] as CsflowTrainingRecord | undefined) ?? null;
    return model;
  }

  /**
   * Writes backbone + flow as one graph, like every model's export: input = the backbone's input, the
   * normalised batch [N, 3, S, S] (S = inputSize); outputs `anomaly_maps` [N, 1, S, S], `image_scores` [N].
   * Returns the byte size. Throws when neither `options.backboneOnnx` nor the extractor's `modelPath` is set.
   */
  async exportOnnx(file: string): Promise<number> {
    const t = this.requireTrained();
    const stride = this.extractor.layers.find((l) => l.name === t.layer)?.stride;
    if (!stride) throw new Error(`csflow export: backbone ${this.extractor.name} has no layer "${t.layer}"`);
    return exportCsflowOnnx(file, {
      extractor: this.extractor,
      backboneOnnx: this.options.backboneOnnx,
      weights: t.weights,
      reduction: t.reduction,
      inputChannels: t.inputChannels,
      layer: t.layer,
      inputSize: this.config.inputSize,
      finestSide: this.config.inputSize / stride,
      scoreMode: this.config.scoreMode,
      topKFraction: this.config.topKFraction,
      docString: JSON.stringify(this.resolvedConfig(t.inputChannels)),
    });
  }

  sizeBytes(): number {
    const t = this.trained;
    if (!t) {
      const cb = this.extractor.layers.find((l) => l.name === this.featureLayer)?.channels ?? PAPER_BACKBONE_CHANNELS;
      return this.resolvedConfig(cb).sizeBytesFp32 as number;
    }
    const reductionParams = t.reduction ? t.reduction.weight.length + t.reduction.bias.length : 0;
    return 4 * (flowWeightCount(t.weights) + reductionParams);
  }

  private async releaseTrained(): Promise<void> {
    if (this.session) {
      await this.session.release();
      this.session = null;
    }
    this.trained = null;
  }

  async dispose(): Promise<void> {
    await this.releaseTrained();
  }
}

/** The factory every model library has: `const model = await createCsflow(backbone, { preset: 'small' })`. */
export async function createCsflow(extractor: FeatureExtractor, config: TCsflowConfigInput = {}, options: CsflowOptions = {}): Promise<CsFlowModel> {
  return new CsFlowModel(extractor, config, options);
}
