/**
 * CFA descriptor training on the ONNX engine: one onnxruntime session run per step does the
 * CoordConv descriptor, the soft-boundary loss against the fixed memory bank (network.ts), its
 * gradient and the AdamW (AMSGrad) update (`@defectlab/ml-core` training-graph). Batches of another
 * image count (the last of an epoch) run on a graph compiled for that count that shares the state.
 * Early stopping on the validation loss keeps the best epoch's weights.
 */
import {
  buildTrainingGraph,
  createSession,
  NonFiniteLossError,
  OnnxGraphBuilder,
  resolveExecutionProvider,
  resolveTrainThreads,
  runtimeVersions,
  SeededRandom,
  TrainingSession,
  type DecodedImage,
  type ExecutionProvider,
  type FitOptions,
  type OnnxSession,
  type TrainingEngineInfo,
  type TrainingGraph,
} from '@defectlab/ml-core';
import { kMeans, meanDescriptors, PositionMean } from './centroids';
import type { ResolvedCfaConfig } from './config';
import { gridCoordinates, initDescriptor, type DescriptorWeights } from './descriptor';
import type { FeatureAggregator } from './feature-aggregation';
import { declareCfaLoss, type CfaLossParams } from './network';
import type { CfaInferenceState } from './score-graph';

/** A batch of aggregated features: rows [images * P, Cin]. */
export interface FeatureBatch {
  readonly rows: Float32Array;
  readonly images: number;
}

export interface TrainDescriptorInput {
  readonly initial: DescriptorWeights;
  readonly radius: number;
  /** Memory bank [M, D] (fixed during training). */
  readonly centres: Float32Array;
  readonly gridH: number;
  readonly gridW: number;
  readonly loss: CfaLossParams;
  readonly epochs: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  /** Stop after this many epochs without a lower validation loss (0 = never). */
  readonly patience: number;
  /** Training batches of one epoch, in the order to use (the caller shuffles per epoch). */
  readonly trainBatches: (epoch: number) => AsyncIterable<FeatureBatch>;
  /** Validation batches (normal images), or null: then the last epoch is kept. */
  readonly validationBatches: (() => AsyncIterable<FeatureBatch>) | null;
  readonly onStep?: (info: { epoch: number; step: number; loss: number }) => void;
  readonly onEpoch?: (info: { epoch: number; trainLoss: number; validationLoss: number | null }) => void;
  readonly signal?: AbortSignal;
  readonly threads?: number;
  readonly executionProvider?: ExecutionProvider;
}

export interface TrainDescriptorResult {
  readonly weights: DescriptorWeights;
  readonly radius: number;
  readonly epochsRun: number;
  /** Epoch (1-based) whose weights were kept. */
  readonly keptEpoch: number;
  readonly trainLosses: number[];
  readonly validationLosses: number[];
  readonly engine: TrainingEngineInfo;
}

const PARAMS = ['wf', 'wc', 'b', 'r'] as const;

/** Coordinates [images * P, 2] (the grid repeated per image). */
function tiledCoordinates(gridH: number, gridW: number, images: number): Float32Array {
  const one = gridCoordinates(gridH, gridW);
  const out = new Float32Array(one.length * images);
  for (let i = 0; i < images; i++) out.set(one, i * one.length);
  return out;
}

/** The loss graph for `images` images; `trainable`: parameters as initializers (training) or inputs (validation). */
function lossGraph(input: Pick<TrainDescriptorInput, 'initial' | 'centres' | 'gridH' | 'gridW' | 'loss'>, images: number, values: { wf: Float32Array; wc: Float32Array; b: Float32Array; r: Float32Array }, trainable: boolean) {
  const { inChannels: C, outChannels: D } = input.initial;
  const n = images * input.gridH * input.gridW;
  const g = new OnnxGraphBuilder({ name: 'cfa-descriptor' });
  const x = g.input('x', [n, C]);
  const coords = g.initializer('coords', tiledCoordinates(input.gridH, input.gridW, images), [n, 2]);
  const dims = { wf: [C, D], wc: [2, D], b: [D], r: [1] };
  const p = Object.fromEntries(PARAMS.map((k) => [k, trainable ? g.initializer(k, values[k], dims[k]) : g.input(k, dims[k])])) as Record<(typeof PARAMS)[number], string>;
  const loss = declareCfaLoss(g, x, coords, p, input.centres, { n, d: D }, input.loss);
  return { g, loss, params: PARAMS.map((k) => p[k]) };
}

/** The training graph (descriptor + loss + backward + AdamW) for batches of `images` images. */
export function buildCfaTrainingGraph(input: Pick<TrainDescriptorInput, 'initial' | 'radius' | 'centres' | 'gridH' | 'gridW' | 'loss' | 'weightDecay' | 'amsgrad'>, images: number): TrainingGraph {
  const { initial } = input;
  const start = { wf: initial.wf, wc: initial.wc, b: initial.b, r: Float32Array.of(input.radius) };
  const { g, loss, params } = lossGraph(input, images, start, true);
  return buildTrainingGraph({ model: 'cfa', builder: g, loss, params, optimizer: adamW(input) });
}

function adamW(input: Pick<TrainDescriptorInput, 'weightDecay' | 'amsgrad'>) {
  return { kind: 'adamw' as const, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: input.weightDecay, gradClipNorm: 0, amsgrad: input.amsgrad };
}

export async function trainDescriptor(input: TrainDescriptorInput): Promise<TrainDescriptorResult> {
  const { initial } = input;
  const threads = input.threads ?? 1;
  const engine: TrainingEngineInfo = {
    engine: `onnxruntime-node ${runtimeVersions(['onnxruntime-node'])['onnxruntime-node'] ?? '?'}`,
    executionProvider: input.executionProvider ?? 'cpu',
    threads,
  };
  const start = { wf: initial.wf, wc: initial.wc, b: initial.b, r: Float32Array.of(input.radius) };
  const training = new Map<number, TrainingSession>();
  const validation = new Map<number, OnnxSession>();
  const sessionFor = async (images: number): Promise<TrainingSession> => {
    let s = training.get(images);
    if (!s) {
      const graph = buildCfaTrainingGraph(input, images);
      s = await TrainingSession.create(graph, { threads, executionProvider: input.executionProvider }, training.values().next().value);
      training.set(images, s);
    }
    return s;
  };
  const current = (): Map<string, Float32Array> => (training.values().next().value as TrainingSession).parameters();
  const snapshot = (values: Map<string, Float32Array> | null): { weights: DescriptorWeights; radius: number } => {
    if (!values) return { weights: initial, radius: input.radius };
    const get = (k: string) => values.get(k) as Float32Array;
    return { weights: { inChannels: initial.inChannels, outChannels: initial.outChannels, wf: get('wf'), wc: get('wc'), b: get('b') }, radius: get('r')[0] };
  };
  const validationLoss = async (batch: FeatureBatch, values: Map<string, Float32Array>): Promise<number> => {
    let s = validation.get(batch.images);
    if (!s) {
      const { g, loss } = lossGraph(input, batch.images, start, false);
      g.output(loss, 'loss', []);
      s = await createSession(g.toBytes(), { threads });
      validation.set(batch.images, s);
    }
    const { inChannels: C, outChannels: D } = initial;
    const dims: Record<string, number[]> = { wf: [C, D], wc: [2, D], b: [D], r: [1] };
    const feeds = Object.fromEntries(PARAMS.map((k) => [k, { data: values.get(k) as Float32Array, dims: dims[k] }]));
    const out = await s.run({ ...feeds, x: { data: batch.rows, dims: [batch.rows.length / C, C] } });
    return out.loss.data[0];
  };

  const trainLosses: number[] = [];
  const validationLosses: number[] = [];
  let best = snapshot(null);
  let bestLoss = Infinity;
  let keptEpoch = 0;
  let sinceBest = 0;
  let epoch = 0;
  try {
    for (epoch = 1; epoch <= input.epochs; epoch++) {
      let sum = 0;
      let steps = 0;
      for await (const batch of input.trainBatches(epoch)) {
        input.signal?.throwIfAborted();
        const session = await sessionFor(batch.images);
        let loss: number;
        try {
          loss = (await session.trainStep({ x: { data: batch.rows, dims: [batch.rows.length / initial.inChannels, initial.inChannels] } }, input.learningRate)).loss;
        } catch (e) {
          if (e instanceof NonFiniteLossError) throw new Error(`cfa: loss became ${e.loss} at epoch ${epoch}, step ${steps + 1}: training stopped`, { cause: e });
          throw e;
        }
        sum += loss;
        steps++;
        input.onStep?.({ epoch, step: steps, loss });
      }
      const trainLoss = sum / Math.max(1, steps);
      trainLosses.push(trainLoss);
      const values = training.size > 0 ? current() : null;
      let vLoss: number | null = null;
      if (input.validationBatches && values) {
        let vs = 0;
        let vn = 0;
        for await (const batch of input.validationBatches()) {
          vs += (await validationLoss(batch, values)) * batch.images;
          vn += batch.images;
        }
        vLoss = vs / Math.max(1, vn);
        validationLosses.push(vLoss);
      }
      input.onEpoch?.({ epoch, trainLoss, validationLoss: vLoss });
      const criterion = vLoss ?? -epoch; // without validation: always keep the latest epoch
      if (criterion < bestLoss) {
        bestLoss = criterion;
        best = snapshot(values);
        keptEpoch = epoch;
        sinceBest = 0;
      } else if (input.patience > 0 && ++sinceBest >= input.patience) {
        break;
      }
    }
  } finally {
    for (const s of training.values()) await s.release();
    for (const s of validation.values()) await s.release();
  }
  return { weights: best.weights, radius: best.radius, epochsRun: Math.min(epoch, input.epochs), keptEpoch, trainLosses, validationLosses, engine };
}

/** What fitting determines: everything scoring, saving and exporting need. */
export interface CfaTrainedState extends CfaInferenceState {
  readonly radius: number;
  /** [width, height] of the training images. */
  readonly imageSize: readonly [number, number];
}

/** How a fit went, as recorded with the run: the descriptor training's result but the weights, plus the backend line and whether the features were cached. */
export type CfaTrainingRecord = Omit<TrainDescriptorResult, 'weights' | 'radius'> & { readonly backend: string; readonly featureCache: boolean };

/**
 * CFA's whole fit on `trainImages` (one size): one feature pass (per-position means, and a feature cache
 * when it fits `featureCacheBytes`), the memory bank from the untrained descriptor (k-means when
 * gammaC > 1), then descriptor training with {@link trainDescriptor}, validation images choosing the epoch.
 */
export async function fitCfa(
  aggregator: FeatureAggregator,
  trainImages: readonly DecodedImage[],
  cfg: ResolvedCfaConfig,
  options: FitOptions,
): Promise<{ state: CfaTrainedState; training: CfaTrainingRecord }> {
  const { onProgress, signal } = options;
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
  async function* trainBatches(): AsyncIterable<FeatureBatch> {
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
  }
  // CFA's loss models normal images only: the validation loss is taken on the split's good images
  const good = (options.validation ?? []).filter((v) => !v.defective).map((v) => v.image);
  const validation = good.length > 0 ? good : null;
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
    trainBatches,
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
  const e = result.engine;
  return {
    state: { weights: result.weights, centres, gridH: grid.h, gridW: grid.w, K: cfg.K, radius: result.radius, imageSize: [trainImages[0].width, trainImages[0].height] },
    training: {
      epochsRun: result.epochsRun,
      keptEpoch: result.keptEpoch,
      trainLosses: result.trainLosses,
      validationLosses: result.validationLosses,
      engine: e,
      backend: `${e.engine} (${e.executionProvider}, ${e.threads} thread${e.threads === 1 ? '' : 's'})`,
      featureCache: cached,
    },
  };
}
