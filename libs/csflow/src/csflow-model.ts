/**
 * CS-Flow behind the shared `AnomalyModel` interface: backbone features at three input scales
 * (extracted once per fit and cached in memory), an optional fixed 1x1 PCA reduction, the flow
 * trained on onnxruntime (one ONNX graph per step: forward + loss + backward + Adam), and inference
 * through onnxruntime on the exported forward graph of the same network declaration.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
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
import { flowParameterCount, resolveConfig, trainingDeviations, type TCsflowConfig } from './config';
import { buildFlowOnnx } from './export-onnx';
import { mergeBackboneAndHead } from './merge-backbone';
import { defaultFeatureLayer, extractScales } from './features';
import { flowParameters, flowWeightCount, initFlowWeights, toOnnxFilter, withParameters, type FlowShape, type FlowWeights } from './network';
import { applyReduction, fitPcaReduction, type Reduction } from './reduction';
import { imageScores } from './score';
import { trainFlow } from './train';

const MODEL_JSON = 'csflow.json';
const WEIGHTS_BIN = 'weights.bin';
const PAPER_BACKBONE_CHANNELS = 304;

/** Weights file format: 2 = ONNX layout [Cout, Cin, K, K] (1 = TF.js layout [K, K, Cin, Cout], still loadable). */
const MODEL_FORMAT = 'defectlab-csflow/2';

interface Trained {
  readonly weights: FlowWeights;
  readonly reduction: Reduction | null;
  readonly layer: string;
  readonly inputChannels: number;
}

/** Position scores of the three scales plus the derived outputs. */
export interface FeatureScores {
  /** Per scale [N, 1, Hs, Ws]: channel mean of 0.5 * z^2. */
  readonly positions: Tensor[];
  readonly imageScores: Float32Array;
}

export class CsFlowModel implements AnomalyModel {
  readonly kind = 'csflow' as const;
  readonly config: TCsflowConfig;
  private trained: Trained | null = null;
  private session: OnnxSession | null = null;
  private engine: FitReport['engine'] | undefined;

  /**
   * @param extractor a frozen backbone (not disposed by this model)
   * @param config `{ preset?, ...overrides }`; see `ZCsflowConfig` for every key and default
   */
  constructor(
    readonly extractor: FeatureExtractor,
    config: unknown = {},
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
    const shape: FlowShape = {
      channels,
      hiddenChannels: cfg.hiddenChannels,
      kernelSizes: cfg.kernelSizes,
      clamp: cfg.clamp,
      leakySlope: cfg.leakySlope,
    };
    await this.releaseTrained();
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
    });
    this.engine = result.engine;
    this.trained = { weights: result.weights, reduction, layer, inputChannels: cb };
    return {
      resolvedConfig: this.resolvedConfig(cb),
      backend: this.backendDescription(),
      engine: result.engine,
      seed: cfg.seed,
      wallSeconds: (Date.now() - t0) / 1000,
      epochsRun: result.epochsRun,
      finalLoss: result.finalLoss,
      deviations: this.deviations(cb),
    };
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
      deviations: this.deviations(backboneChannels),
    };
  }

  private fingerprint(feats: readonly Tensor[]): string {
    const h = createHash('sha256');
    h.update(JSON.stringify({ ...this.config, epochs: 0, checkpointEvery: 0 }));
    h.update(this.extractor.sha256 + this.featureLayer);
    for (const f of feats) {
      h.update(JSON.stringify(f.dims));
      h.update(Buffer.from(f.data.buffer, f.data.byteOffset, Math.min(f.data.byteLength, 1 << 16)));
    }
    return h.digest('hex');
  }

  private requireTrained(): Trained {
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
    await fs.promises.mkdir(dir, { recursive: true });
    const params = flowParameters(t.weights);
    const parts: Float32Array[] = [];
    if (t.reduction) parts.push(t.reduction.weight, t.reduction.bias);
    for (const p of params) parts.push(p.data);
    const total = parts.reduce((n, p) => n + p.length, 0);
    const blob = new Float32Array(total);
    let off = 0;
    for (const p of parts) {
      blob.set(p, off);
      off += p.length;
    }
    await fs.promises.writeFile(path.join(dir, WEIGHTS_BIN), Buffer.from(blob.buffer));
    const meta = {
      format: MODEL_FORMAT,
      config: this.config,
      layer: t.layer,
      inputChannels: t.inputChannels,
      reduction: t.reduction ? { inChannels: t.reduction.inChannels, outChannels: t.reduction.outChannels } : null,
      backbone: { name: this.extractor.name, sha256: this.extractor.sha256 },
      variables: params.map((p) => p.dims),
      engine: this.engine ?? null,
      resolvedConfig: this.resolvedConfig(t.inputChannels),
    };
    await fs.promises.writeFile(path.join(dir, MODEL_JSON), JSON.stringify(meta, null, 2));
  }

  /**
   * Restores a model written by `save` (format 2, or format 1 of the TF.js engine, whose filters are
   * converted to ONNX layout); the extractor must be the same backbone (checked by sha256).
   */
  static async load(dir: string, extractor: FeatureExtractor): Promise<CsFlowModel> {
    const meta = JSON.parse(await fs.promises.readFile(path.join(dir, MODEL_JSON), 'utf8')) as {
      format: string;
      config: TCsflowConfig;
      layer: string;
      inputChannels: number;
      reduction: { inChannels: number; outChannels: number } | null;
      backbone: { sha256: string };
      engine?: FitReport['engine'] | null;
    };
    if (meta.format !== MODEL_FORMAT && meta.format !== 'defectlab-csflow/1') throw new Error(`csflow: ${dir} holds format "${meta.format}", expected ${MODEL_FORMAT}`);
    if (meta.backbone.sha256 !== extractor.sha256) {
      throw new Error(`csflow: model in ${dir} was trained on backbone ${meta.backbone.sha256}, got ${extractor.sha256}`);
    }
    const buf = await fs.promises.readFile(path.join(dir, WEIGHTS_BIN));
    const blob = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const model = new CsFlowModel(extractor, { ...meta.config, featureLayer: meta.layer });
    model.engine = meta.engine ?? undefined;
    let off = 0;
    const take = (n: number): Float32Array => {
      const out = blob.slice(off, off + n);
      off += n;
      return out;
    };
    let reduction: Reduction | null = null;
    if (meta.reduction) {
      const { inChannels, outChannels } = meta.reduction;
      reduction = { inChannels, outChannels, weight: take(inChannels * outChannels), bias: take(outChannels) };
    }
    const cfg = model.config;
    const shape: FlowShape = { channels: model.flowChannels(meta.inputChannels), hiddenChannels: cfg.hiddenChannels, kernelSizes: cfg.kernelSizes, clamp: cfg.clamp, leakySlope: cfg.leakySlope };
    const initial = initFlowWeights(shape, cfg.seed);
    const values = new Map<string, Float32Array>();
    for (const p of flowParameters(initial)) {
      const data = take(p.data.length);
      const [cout, cin, k] = p.dims;
      values.set(p.name, meta.format === 'defectlab-csflow/1' && p.dims.length === 4 ? toOnnxFilter(data, k, cin, cout) : data);
    }
    if (off !== blob.length) throw new Error(`csflow: ${WEIGHTS_BIN} has ${blob.length} values, the model needs ${off}`);
    model.trained = { weights: withParameters(initial, values), reduction, layer: meta.layer, inputChannels: meta.inputChannels };
    return model;
  }

  /**
   * Backbone + flow as one graph (inputs image0..2: normalised images at S, S/2, S/4; outputs pos0..2),
   * or null when the extractor exposes no ONNX file.
   */
  async onnxBytesWithBackbone(): Promise<Uint8Array | null> {
    const t = this.requireTrained();
    if (!this.extractor.modelPath) return null;
    const backbone = await fs.promises.readFile(this.extractor.modelPath);
    return mergeBackboneAndHead(backbone, this.onnxBytes(), t.layer);
  }

  /**
   * Writes backbone + flow as one self-contained graph when the extractor exposes its ONNX file
   * (`modelPath`), else the flow head alone (inputs feat0..2). Returns the byte size.
   */
  async exportOnnx(file: string): Promise<number> {
    const bytes = (await this.onnxBytesWithBackbone()) ?? this.onnxBytes();
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    await fs.promises.writeFile(file, bytes);
    return bytes.byteLength;
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
