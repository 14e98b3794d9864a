/**
 * FastFlow training on the ONNX training graph (libs/ml-core training-graph): one session run per batch
 * is forward + backward + Adam update; parameters and optimizer state stay in onnxruntime between steps.
 */
import { buildTrainingGraph, OnnxGraphBuilder, SeededRandom, TrainingSession, type TrainingState } from '@defectlab/ml-core';
import type { Tensor } from '@defectlab/ml-core';
import { declareFastflow, declareFastflowLoss, withParameters, type FastflowWeights } from './network';

export interface TrainOptions {
  readonly weights: FastflowWeights;
  readonly images: number;
  /** Stage maps of the images at the given indices. */
  readonly batch: (indices: readonly number[]) => Promise<Tensor[]>;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly gradClipNorm: number;
  readonly threads: number;
  readonly seed: number;
  readonly signal?: AbortSignal;
  /** A state to resume from (a checkpoint) and the epochs it already ran. */
  readonly resume?: { readonly state: TrainingState; readonly epoch: number };
  readonly onStep?: (p: { epoch: number; step: number; steps: number; loss: number }) => void;
  /** Called after each epoch with the session state (checkpoints). */
  readonly onEpoch?: (p: { epoch: number; meanLoss: number; state: () => TrainingState }) => Promise<void> | void;
}

export interface TrainResult {
  readonly weights: FastflowWeights;
  readonly epochLosses: number[];
  readonly steps: number;
}

/** Batch size the static training graph uses: the configured one, at most the number of images. */
export function effectiveBatchSize(images: number, batchSize: number): number {
  return Math.max(1, Math.min(images, batchSize));
}

/** Builds the training graph for a batch of `batch` images (static shapes). */
export function buildFastflowTrainingGraph(weights: FastflowWeights, batch: number, o: Pick<TrainOptions, 'weightDecay' | 'gradClipNorm'>) {
  const g = new OnnxGraphBuilder({ name: 'fastflow-train' });
  const inputs = weights.shape.stages.map((s, i) => g.input(`stage${i}`, [batch, s.channels, s.height, s.width]));
  const flow = declareFastflow(g, weights, inputs);
  const loss = declareFastflowLoss(g, flow);
  return buildTrainingGraph({
    model: 'fastflow',
    builder: g,
    loss,
    params: flow.params,
    optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: o.weightDecay, gradClipNorm: o.gradClipNorm },
  });
}

/**
 * Trains for `epochs` over seeded shuffles of the images; each epoch runs floor(images / batch) full
 * batches (the last partial batch is dropped: the graph has static shapes; the shuffle changes per epoch).
 */
export async function trainFastflow(o: TrainOptions): Promise<TrainResult> {
  const batch = effectiveBatchSize(o.images, o.batchSize);
  const graph = buildFastflowTrainingGraph(o.weights, batch, o);
  const session = await TrainingSession.create(graph, { threads: o.threads });
  const rng = new SeededRandom(o.seed);
  const epochLosses: number[] = [];
  try {
    const startEpoch = o.resume ? o.resume.epoch : 0;
    if (o.resume) session.setState(o.resume.state);
    // replay the shuffles of the epochs already run so a resumed fit sees the same batches
    for (let e = 0; e < startEpoch; e++) rng.sample(o.images, o.images);
    const steps = Math.floor(o.images / batch);
    for (let epoch = startEpoch + 1; epoch <= o.epochs; epoch++) {
      const order = rng.sample(o.images, o.images);
      let sum = 0;
      for (let s = 0; s < steps; s++) {
        o.signal?.throwIfAborted();
        const maps = await o.batch(Array.from(order.subarray(s * batch, (s + 1) * batch)));
        const feeds = Object.fromEntries(maps.map((m, i) => [`stage${i}`, m]));
        const { loss } = await session.trainStep(feeds, o.learningRate);
        sum += loss;
        o.onStep?.({ epoch, step: s + 1, steps, loss });
      }
      epochLosses.push(sum / steps);
      await o.onEpoch?.({ epoch, meanLoss: sum / steps, state: () => session.exportState() });
    }
    return { weights: withParameters(o.weights, session.parameters()), epochLosses, steps: session.step };
  } finally {
    await session.release();
  }
}
