/**
 * CFlow-AD training on the ONNX training graph: one graph and session per stage decoder (forward +
 * backward + Adam per run). As the reference `train_meta_epoch`: for every image batch and every stage,
 * the batch's patch positions (fibers) are shuffled and cut into fiber batches, one optimizer step each
 * (the last partial fiber batch is dropped, as the reference's E // N does).
 */
import { buildTrainingGraph, OnnxGraphBuilder, SeededRandom, TrainingSession, type Tensor, type TrainingState } from '@defectlab/ml-core';
import { gatherRows, mapToFibers } from './fibers';
import { cflowLearningRate } from './learning-rate';
import { declareCflowLoss, declareDecoder, declareLogProbPerDim, withStageParameters, type CflowWeights } from './network';
import { positionalEncoding2d } from './positional-encoding';

export interface StageGrid {
  readonly height: number;
  readonly width: number;
}

export interface CflowTrainOptions {
  readonly weights: CflowWeights;
  readonly grids: readonly StageGrid[];
  readonly images: number;
  readonly batch: (indices: readonly number[]) => Promise<Tensor[]>;
  readonly metaEpochs: number;
  readonly subEpochs: number;
  readonly batchSize: number;
  readonly fiberBatchSize: number;
  readonly fiberFraction: number;
  readonly learningRate: number;
  readonly warmupMetaEpochs: number;
  readonly gradClipNorm: number;
  readonly threads: number;
  readonly seed: number;
  readonly signal?: AbortSignal;
  /** Per-stage states to resume from and the epochs (meta x sub) already run. */
  readonly resume?: { readonly epoch: number; readonly states: readonly TrainingState[] };
  readonly onStep?: (p: { epoch: number; batch: number; batches: number; stage: number; loss: number }) => void;
  readonly onEpoch?: (p: { epoch: number; meanLoss: number; states: () => TrainingState[] }) => Promise<void> | void;
}

export interface CflowTrainResult {
  readonly weights: CflowWeights;
  /** Mean loss over every step of each epoch (meta x sub). */
  readonly epochLosses: number[];
  readonly steps: number;
}

/** Fibers per optimizer step of a stage: the configured N, at most the fibers of one full image batch. */
export function fiberBatchFor(grid: StageGrid, imagesPerBatch: number, fiberBatchSize: number): number {
  return Math.max(1, Math.min(fiberBatchSize, imagesPerBatch * grid.height * grid.width));
}

export function buildStageTrainingGraph(weights: CflowWeights, stage: number, fibers: number, gradClipNorm: number) {
  const c = weights.shape.channels[stage];
  const g = new OnnxGraphBuilder({ name: `cflow-train-s${stage}` });
  const x = g.input('fibers', [fibers, c]);
  const cond = g.input('cond', [fibers, weights.shape.conditionDim]);
  const dec = declareDecoder(g, weights, stage, x, cond, 2);
  const loss = declareCflowLoss(g, declareLogProbPerDim(g, dec, c, 2));
  return buildTrainingGraph({
    model: `cflow stage ${stage}`,
    builder: g,
    loss,
    params: dec.params,
    optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, gradClipNorm },
  });
}

export async function trainCflow(o: CflowTrainOptions): Promise<CflowTrainResult> {
  const stages = o.weights.shape.channels.length;
  const imagesPerBatch = Math.max(1, Math.min(o.batchSize, o.images));
  const fiberBatches = o.grids.map((grid) => fiberBatchFor(grid, imagesPerBatch, o.fiberBatchSize));
  const P = o.weights.shape.conditionDim;
  const encodings = o.grids.map((grid) => positionalEncoding2d(P, grid.height, grid.width));
  const sessions: TrainingSession[] = [];
  try {
    for (let s = 0; s < stages; s++) sessions.push(await TrainingSession.create(buildStageTrainingGraph(o.weights, s, fiberBatches[s], o.gradClipNorm), { threads: o.threads }));
    if (o.resume) o.resume.states.forEach((st, s) => sessions[s].setState(st));
    const epochLosses: number[] = [];
    const totalEpochs = o.metaEpochs * o.subEpochs;
    const batches = Math.ceil(o.images / imagesPerBatch);
    for (let epoch = (o.resume?.epoch ?? 0) + 1; epoch <= totalEpochs; epoch++) {
      // every epoch draws from its own seeded stream, so a resumed fit sees the same batches
      const rng = new SeededRandom((o.seed * 100_003 + epoch) % 2 ** 31);
      const metaEpoch = Math.floor((epoch - 1) / o.subEpochs);
      const order = rng.sample(o.images, o.images);
      let sum = 0;
      let count = 0;
      for (let b = 0; b < batches; b++) {
        const idx = Array.from(order.subarray(b * imagesPerBatch, (b + 1) * imagesPerBatch));
        const lr = cflowLearningRate(o, metaEpoch, b, batches);
        const maps = await o.batch(idx);
        for (let s = 0; s < stages; s++) {
          const c = o.weights.shape.channels[s];
          const hw = o.grids[s].height * o.grids[s].width;
          const fibers = mapToFibers(maps[s]);
          const total = idx.length * hw;
          const n = fiberBatches[s];
          const perm = rng.sample(total, total);
          const steps = Math.floor((total * o.fiberFraction) / n);
          for (let f = 0; f < steps; f++) {
            o.signal?.throwIfAborted();
            const rows = perm.subarray(f * n, (f + 1) * n);
            const condRows = Int32Array.from(rows, (r) => r % hw);
            const { loss } = await sessions[s].trainStep(
              { fibers: { data: gatherRows(fibers, c, rows), dims: [n, c] }, cond: { data: gatherRows(encodings[s], P, condRows), dims: [n, P] } },
              lr,
            );
            sum += loss;
            count++;
            o.onStep?.({ epoch, batch: b + 1, batches, stage: s, loss });
          }
        }
      }
      const meanLoss = count > 0 ? sum / count : NaN;
      epochLosses.push(meanLoss);
      await o.onEpoch?.({ epoch, meanLoss, states: () => sessions.map((x) => x.exportState()) });
    }
    let weights = o.weights;
    sessions.forEach((x, s) => (weights = withStageParameters(weights, s, x.parameters())));
    return { weights, epochLosses, steps: sessions.reduce((n, x) => n + x.step, 0) };
  } finally {
    for (const x of sessions) await x.release();
  }
}
