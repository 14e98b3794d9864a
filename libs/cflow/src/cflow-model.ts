/**
 * CFlow-AD behind the shared {@link AnomalyModel} interface: frozen backbone stages, one conditional flow
 * decoder per stage trained on fiber batches with the ONNX training graph, scoring through onnxruntime
 * with the same declared decoders.
 */
import { savedConfigFor, StageHeadModel, type BackboneExportOptions, type StageFeatureSource } from '@defectlab/backbones';
import {
  createSession,
  type AnomalyModel,
  type DecodedImage,
  type FeatureExtractor,
  type FitOptions,
  type FitReport,
} from '@defectlab/ml-core';
import { CFLOW_DEVIATIONS, configDeviations, resolveCflowConfig, type ResolvedCflowConfig, type TCflowConfigInput } from './config';
import { exportCflowOnnx } from './export-onnx';
import { initCflowWeights, parameterCountOf, type CflowWeights } from './network';
import { loadCflow, readCheckpoints, saveCflow, writeCheckpoints } from './persist';
import { buildHeadGraph } from './score';
import { trainCflow, type StageGrid } from './train';

interface Trained {
  readonly weights: CflowWeights;
  readonly grids: readonly StageGrid[];
  /** Per stage: the maximum log-likelihood per dimension over the training images. */
  readonly references: readonly number[];
  readonly imageSize: readonly [number, number];
}

export type CflowOptions = BackboneExportOptions;

export class CflowModel extends StageHeadModel<ResolvedCflowConfig, Trained> implements AnomalyModel {
  readonly kind = 'cflow' as const;

  private constructor(extractor: FeatureExtractor, config: ResolvedCflowConfig, trained: Trained | null, options: CflowOptions) {
    super('cflow', 'CflowModel', extractor, config, trained, options);
  }

  static create(extractor: FeatureExtractor, config: TCflowConfigInput = {}, options: CflowOptions = {}): CflowModel {
    return new CflowModel(extractor, resolveCflowConfig(config), null, options);
  }

  static async load(dir: string, extractor: FeatureExtractor, options: CflowOptions = {}): Promise<CflowModel> {
    const { meta, weights } = await loadCflow<ResolvedCflowConfig>(dir);
    const config = savedConfigFor('CflowModel', meta, extractor, resolveCflowConfig);
    return new CflowModel(extractor, config, { weights, grids: meta.grids, references: meta.references, imageSize: meta.imageSize }, options);
  }

  deviations(): string[] {
    return [...CFLOW_DEVIATIONS, ...configDeviations(this.config)];
  }

  async fit(trainImages: readonly DecodedImage[], options: FitOptions = {}): Promise<FitReport> {
    const started = Date.now();
    const cfg = this.config;
    const { onProgress, signal } = options;
    const source = await this.stageFeaturesForFit(trainImages, options);
    const grids = source.shapes.map((s) => ({ height: s.height, width: s.width }));
    const shape = { channels: source.shapes.map((s) => s.channels), conditionDim: cfg.conditionDim, couplingBlocks: cfg.couplingBlocks, hiddenRatio: cfg.hiddenRatio, clamp: cfg.clamp };
    const initial = initCflowWeights(shape, cfg.seed);
    // what a resumed fit must match: everything that shapes the training graphs, the batches or the schedule
    const identity = this.checkpointIdentity(source, []);
    const checkpoint = options.checkpointDir ? await readCheckpoints(options.checkpointDir, identity) : null;
    const epochs = cfg.metaEpochs * cfg.subEpochs;
    const trainStarted = Date.now();
    let steps = 0;
    const result = await trainCflow({
      ...cfg,
      weights: initial,
      grids,
      images: trainImages.length,
      batch: (idx) => source.batch(idx),
      seed: cfg.seed + 1,
      signal,
      resume: checkpoint ?? undefined,
      onStep: ({ epoch, batch, batches, loss }) => {
        steps++;
        const elapsed = (Date.now() - trainStarted) / 1000;
        const epochsDone = epoch - 1 - (checkpoint?.epoch ?? 0) + batch / batches;
        onProgress?.({ phase: 'train', epoch, epochs, step: batch, steps: batches, loss, throughput: steps / Math.max(elapsed, 1e-3), etaSeconds: (elapsed / epochsDone) * (epochs - (checkpoint?.epoch ?? 0) - epochsDone) });
      },
      onEpoch: async ({ epoch, meanLoss, states }) => {
        onProgress?.({ phase: 'train', epoch, epochs, loss: meanLoss, message: `meta-epoch ${Math.ceil(epoch / cfg.subEpochs)} of ${cfg.metaEpochs}` });
        if (options.checkpointDir) await writeCheckpoints(options.checkpointDir, identity, epoch, states());
      },
    });
    const imageSize: [number, number] = [trainImages[0].width, trainImages[0].height];
    // the likelihood reference per stage: the maximum over the training images (see score.ts)
    const references = await this.trainingMaxima(result.weights, grids, imageSize, source);
    this.trained = { weights: result.weights, grids, references, imageSize };
    this.training = { epochLosses: result.epochLosses, steps: result.steps, featureCache: source.cached, resumedFromEpoch: checkpoint?.epoch ?? null, likelihoodReferences: references };
    return this.fitReport(started, epochs, result.epochLosses);
  }

  private async trainingMaxima(weights: CflowWeights, grids: readonly StageGrid[], imageSize: readonly [number, number], source: StageFeatureSource): Promise<number[]> {
    const session = await createSession(buildHeadGraph(weights, grids, grids.map(() => 0), this.config.layers, imageSize), { threads: this.config.threads });
    const maxima = grids.map(() => -Infinity);
    try {
      const n = source.images;
      for (let start = 0; start < n; start += this.config.batchSize) {
        const idx = Array.from({ length: Math.min(this.config.batchSize, n - start) }, (_, i) => start + i);
        const maps = await source.batch(idx);
        const out = await session.run(Object.fromEntries(maps.map((m, i) => [this.config.layers[i], m])), grids.map((_, s) => `logp_${s}`));
        grids.forEach((_, s) => {
          for (const v of out[`logp_${s}`].data) if (v > maxima[s]) maxima[s] = v;
        });
      }
    } finally {
      await session.release();
    }
    return maxima;
  }

  protected trainedRecord(t: Trained | null): Record<string, unknown> {
    return { stages: t ? t.weights.shape.channels.map((c, s) => ({ channels: c, ...t.grids[s] })) : null, parameters: t ? parameterCountOf(t.weights.shape) : null };
  }

  async save(dir: string): Promise<void> {
    const t = this.requireTrained();
    await saveCflow(dir, t.weights, { ...this.savedDescription(t), grids: t.grids, references: t.references });
  }

  async exportOnnx(file: string): Promise<number> {
    const t = this.requireTrained();
    return exportCflowOnnx(file, { ...this.exportSource(t), weights: t.weights, grids: t.grids, references: t.references });
  }

  /** float32 bytes of the decoders: trainable parameters plus the fixed rotations (backbone excluded). */
  sizeBytes(): number {
    if (!this.trained) return 0;
    const n = parameterCountOf(this.trained.weights.shape);
    return (n.trainable + n.fixed) * 4;
  }

  protected headGraph(t: Trained): Uint8Array {
    return buildHeadGraph(t.weights, t.grids, t.references, this.config.layers, t.imageSize);
  }
}

export function createCflow(extractor: FeatureExtractor, config: TCflowConfigInput = {}, options: CflowOptions = {}): CflowModel {
  return CflowModel.create(extractor, config, options);
}
