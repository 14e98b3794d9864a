/**
 * What the backbone-feature models share behind the {@link AnomalyModel} interface: the backbone check on
 * load, the backbone record, the saved description's common fields, the base class holding backbone, config
 * and trained state (all four), and for the stage-feature flow models (FastFlow, CFlow-AD) scoring same-size
 * images through one ONNX head that takes the stage maps (inputs named as the layers) and returns
 * `anomaly_maps` [N, 1, H, W], plus their fit lifecycle.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  createSession,
  declareImageScore,
  imageScoresOf,
  OnnxGraphBuilder,
  type DecodedImage,
  type FeatureExtractor,
  type FitOptions,
  type FitReport,
  type OnnxSession,
  type ScoreMode,
  type ScoreResult,
} from '@defectlab/ml-core';
import { StageFeatureSource, stageLayers, stageMaps } from './stage-features';

/** The backbone a model was trained with, as saved and recorded with a run. */
export interface BackboneRecord {
  readonly name: string;
  readonly sha256: string;
}

export function backboneRecordOf(extractor: FeatureExtractor): BackboneRecord {
  return { name: extractor.name, sha256: extractor.sha256 };
}

/** Throws unless `extractor` is the backbone the saved model was trained with. */
export function assertSameBackbone(modelName: string, saved: BackboneRecord, extractor: FeatureExtractor): void {
  if (saved.sha256 !== extractor.sha256) {
    throw new Error(`${modelName}.load: saved with backbone ${saved.name} (${saved.sha256}), got ${extractor.name} (${extractor.sha256})`);
  }
}

/** The `backend` line of a FitReport for a model trained on the ONNX training graph. */
export function trainingGraphBackend(threads: number): string {
  return `onnxruntime-node training graph (cpu, ${threads} thread${threads === 1 ? '' : 's'})`;
}

export interface StageHeadScoring {
  /** The model's kind, for error messages. */
  readonly kind: string;
  readonly extractor: FeatureExtractor;
  readonly layers: readonly string[];
  /** [width, height] of the training images; every scored image must have it. */
  readonly imageSize: readonly [number, number];
  readonly batchSize: number;
  readonly scoreMode: ScoreMode;
  readonly topKFraction: number;
}

/** Scores images in batches: backbone stage maps -> `head` -> anomaly maps, then the image scores. */
export async function scoreThroughStageHead(images: readonly DecodedImage[], head: () => Promise<OnnxSession>, s: StageHeadScoring): Promise<ScoreResult> {
  if (images.length === 0) return { imageScores: new Float32Array(0), anomalyMaps: { data: new Float32Array(0), dims: [0, 1, 0, 0] } };
  const [w, h] = s.imageSize;
  for (const im of images) {
    if (im.width !== w || im.height !== h) throw new RangeError(`${s.kind}: images must be ${w}x${h} (the training size), got ${im.width}x${im.height}`);
  }
  const session = await head();
  const maps = new Float32Array(images.length * w * h);
  for (let start = 0; start < images.length; start += s.batchSize) {
    const chunk = images.slice(start, start + s.batchSize);
    const stage = await stageMaps(s.extractor, chunk, s.layers);
    const out = await session.run(Object.fromEntries(stage.map((m, i) => [s.layers[i], m])), ['anomaly_maps']);
    maps.set(out.anomaly_maps.data, start * w * h);
  }
  const anomalyMaps = { data: maps, dims: [images.length, 1, h, w] };
  return { imageScores: imageScoresOf(anomalyMaps, s.scoreMode, s.topKFraction), anomalyMaps };
}

/** What exporting a stage-feature model as one ONNX graph needs besides its own head. */
export interface StageHeadExport extends BackboneGraphSource {
  readonly imageSize: readonly [number, number];
  readonly scoreMode: ScoreMode;
  readonly topKFraction: number;
  readonly docString: string;
}

/** Where an export finds the backbone graph: `backboneOnnx` (path or bytes), else `extractor.modelPath`. */
export interface BackboneGraphSource {
  readonly extractor: FeatureExtractor;
  /** The backbone graph (path or bytes); default `extractor.modelPath`. */
  readonly backboneOnnx?: string | Uint8Array;
}

/** A graph builder that starts from the backbone's ONNX graph, for exporting backbone + head as one graph. */
export async function backboneGraphBuilder(kind: string, input: BackboneGraphSource, docString: string): Promise<OnnxGraphBuilder> {
  const source = input.backboneOnnx ?? input.extractor.modelPath;
  if (!source) {
    throw new Error(`${kind} export: backbone "${input.extractor.name}" exposes no ONNX modelPath and no backboneOnnx was given, so backbone + head cannot be written as one graph`);
  }
  const backbone = typeof source === 'string' ? await fs.readFile(source) : source;
  return OnnxGraphBuilder.fromModel(backbone, { name: kind, docString });
}

/**
 * One ONNX graph: the backbone, then the model's head declared by `declareMap` (given the builder and the
 * [N, 1, H, W] size tensor of the input image, it returns the anomaly map). Input: the backbone's input, a
 * normalised batch [N, 3, H, W] of the training size. Outputs: `image_scores` [N], `anomaly_maps` [N, 1, H, W].
 */
export async function buildStageHeadOnnx(kind: string, input: StageHeadExport, declareMap: (g: OnnxGraphBuilder, sizes: string) => string): Promise<Uint8Array> {
  const g = await backboneGraphBuilder(kind, input, input.docString);
  const image = g.inputNames()[0];
  const sizes = g.concat([g.shape(image, 0, 1), g.constInt64([1]), g.shape(image, 2, 4)], 0);
  const map = declareMap(g, sizes);
  const [w, h] = input.imageSize;
  g.output(map, 'anomaly_maps', ['N', 1, 'H', 'W']);
  g.output(declareImageScore(g, map, input.scoreMode, input.topKFraction, w * h), 'image_scores', ['N']);
  return g.toBytes();
}

/** Writes an ONNX graph to `file`; returns its byte size. */
export async function writeOnnx(file: string, bytes: Promise<Uint8Array>): Promise<number> {
  const b = await bytes;
  await fs.writeFile(file, b);
  return b.byteLength;
}

/** The fields every saved backbone-feature model's JSON description holds (cflow, fastflow, cfa, patchcore). */
export interface SavedStageModelMeta<C> {
  readonly format: string;
  readonly config: C;
  readonly backbone: BackboneRecord;
  readonly imageSize: readonly [number, number];
  readonly deviations: readonly string[];
}

/**
 * The config of a saved backbone-feature model, resolved again (the saved layer list copied), after checking
 * that `extractor` is the backbone it was trained with.
 * @throws Error naming both backbones when they differ
 */
export function savedConfigFor<C extends { readonly layers: readonly string[] }>(className: string, meta: SavedStageModelMeta<C>, extractor: FeatureExtractor, resolve: (saved: C) => C): C {
  assertSameBackbone(className, meta.backbone, extractor);
  return resolve({ ...meta.config, layers: [...meta.config.layers] });
}

/** Reads a saved model's JSON description and checks its format. */
export async function readSavedMeta<M extends { readonly format: string }>(kind: string, dir: string, file: string, format: string): Promise<M> {
  const meta = JSON.parse(await fs.readFile(path.join(dir, file), 'utf8')) as M;
  if (meta.format !== format) throw new Error(`${kind}: ${dir} holds format ${String(meta.format)}, expected ${format}`);
  return meta;
}

/** Non-config options of the models' factories. */
export interface BackboneExportOptions {
  /** The backbone's ONNX graph (path or bytes) for `exportOnnx` when the extractor exposes no `modelPath`. */
  readonly backboneOnnx?: string | Uint8Array;
}

/** The config fields {@link StageHeadModel} reads. */
export interface StageHeadModelConfig {
  readonly layers: readonly string[];
  readonly batchSize: number;
  readonly scoreMode: ScoreMode;
  readonly topKFraction: number;
  readonly threads: number;
  readonly seed: number;
  readonly featureCacheBytes: number;
}

/**
 * What every backbone-feature model (PatchCore, CFA, FastFlow, CFlow-AD) holds behind the
 * {@link AnomalyModel} interface: the frozen backbone (not owned), the resolved config, the trained state
 * (null until `fit` or `load`) and the export options.
 */
export abstract class BackboneFeatureModel<C, T> {
  protected constructor(
    private readonly className: string,
    protected readonly extractor: FeatureExtractor,
    readonly config: C,
    protected trained: T | null,
    protected readonly options: BackboneExportOptions,
  ) {}

  protected requireTrained(): T {
    if (!this.trained) throw new Error(`${this.className}: not trained (call fit or load first)`);
    return this.trained;
  }
}

/**
 * The shared half of a stage-feature flow model (FastFlow, CFlow-AD): the fit's preamble (stage features of
 * the training set, cached when they fit), the checkpoint identity, the FitReport, the recorded config, the
 * saved description and the export's common fields; scoring through one onnxruntime head session built
 * lazily from the trained state, released on refit or dispose. Subclasses add their network and training.
 */
export abstract class StageHeadModel<C extends StageHeadModelConfig, T extends { readonly imageSize: readonly [number, number] }> extends BackboneFeatureModel<C, T> {
  private head: OnnxSession | null = null;
  /** How the last fit went (losses, steps, cache, resume), recorded with the config; null before a fit. */
  protected training: Record<string, unknown> | null = null;

  protected constructor(
    private readonly modelKind: string,
    className: string,
    extractor: FeatureExtractor,
    config: C,
    trained: T | null,
    options: BackboneExportOptions,
  ) {
    super(className, extractor, config, trained, options);
    stageLayers(extractor, config.layers, modelKind);
  }

  /** The scoring head's ONNX graph for the trained state. */
  protected abstract headGraph(t: T): Uint8Array;

  /** Every deliberate difference from the paper for this config. */
  abstract deviations(): string[];

  /** What the trained network adds to the recorded config (stages, parameter counts). */
  protected abstract trainedRecord(t: T | null): Record<string, unknown>;

  async score(images: readonly DecodedImage[]): Promise<ScoreResult> {
    const t = this.requireTrained();
    const { layers, batchSize, scoreMode, topKFraction } = this.config;
    return scoreThroughStageHead(images, () => this.scoringSession(), { kind: this.modelKind, extractor: this.extractor, layers, imageSize: t.imageSize, batchSize, scoreMode, topKFraction });
  }

  /** Config plus what fitting determined, as recorded with a run. */
  resolvedConfig(): Record<string, unknown> {
    return {
      model: this.modelKind,
      ...(this.config as object),
      backbone: backboneRecordOf(this.extractor),
      ...this.trainedRecord(this.trained),
      training: this.training,
      deviations: this.deviations(),
    };
  }

  async dispose(): Promise<void> {
    await this.releaseHead();
  }

  /**
   * The start of every fit: checks the images, drops the scoring session and reads the training set's
   * stage maps (cached in memory when they fit `featureCacheBytes`).
   */
  protected async stageFeaturesForFit(trainImages: readonly DecodedImage[], options: Pick<FitOptions, 'onProgress' | 'signal'>): Promise<StageFeatureSource> {
    if (trainImages.length === 0) throw new RangeError(`${this.modelKind}: fit needs at least one training image`);
    options.signal?.throwIfAborted();
    await this.releaseHead();
    const { featureCacheBytes, batchSize, layers } = this.config;
    return StageFeatureSource.create(this.extractor, trainImages, layers, { cacheBytes: featureCacheBytes, batchSize, onProgress: options.onProgress, signal: options.signal });
  }

  /**
   * What a resumed fit must match, as text: every config value but threads, the feature cache and `ignore`,
   * plus the stage shapes, the image count, the backbone and `extra`.
   */
  protected checkpointIdentity(source: StageFeatureSource, ignore: readonly (keyof C)[], extra: Record<string, unknown> = {}): string {
    const settings: Record<string, unknown> = { ...(this.config as object) };
    for (const key of ['threads', 'featureCacheBytes', ...ignore]) delete settings[key as string];
    return JSON.stringify({ ...settings, stages: source.shapes, images: source.images, ...extra, backbone: this.extractor.sha256 });
  }

  /** The FitReport of a fit that began at `started` (ms) and ran `epochs` epochs with these mean losses. */
  protected fitReport(started: number, epochs: number, epochLosses: readonly number[]): FitReport {
    return {
      resolvedConfig: this.resolvedConfig(),
      backend: trainingGraphBackend(this.config.threads),
      seed: this.config.seed,
      wallSeconds: (Date.now() - started) / 1000,
      epochsRun: epochs,
      finalLoss: epochLosses[epochLosses.length - 1],
      deviations: this.deviations(),
    };
  }

  /** The fields of the saved JSON description every stage-feature model writes (format aside). */
  protected savedDescription(t: T): Omit<SavedStageModelMeta<C>, 'format'> {
    return { config: this.config, backbone: backboneRecordOf(this.extractor), imageSize: t.imageSize, deviations: this.deviations() };
  }

  /** The export's fields besides the model's own head. */
  protected exportSource(t: T): StageHeadExport & { readonly layers: readonly string[] } {
    const { layers, scoreMode, topKFraction } = this.config;
    return {
      extractor: this.extractor,
      backboneOnnx: this.options.backboneOnnx,
      layers,
      imageSize: t.imageSize,
      scoreMode,
      topKFraction,
      docString: JSON.stringify({ model: this.modelKind, config: this.config }),
    };
  }

  /** Drops the scoring session (before a refit changes the trained state). */
  protected async releaseHead(): Promise<void> {
    const head = this.head;
    this.head = null;
    await head?.release();
  }

  private async scoringSession(): Promise<OnnxSession> {
    if (!this.head) this.head = await createSession(this.headGraph(this.requireTrained()), { threads: this.config.threads });
    return this.head;
  }
}
