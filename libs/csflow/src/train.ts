/**
 * The CS-Flow training loop on the ONNX engine: one onnxruntime session run per step does forward,
 * NLL loss, backward and the clipped Adam update (graph built by `buildFlowTrainingGraph`).
 * Shuffled mini-batches (epoch e shuffles with seed + e; the last batch of an epoch may be smaller and
 * runs on a second graph compiled for its size, sharing the state), progress per step and per epoch,
 * cancellation through an AbortSignal, checkpoints (format v2, persist.ts) and resume. A NaN/Inf loss
 * stops the run with an error; the last checkpoint written before it is kept. Given a validation set,
 * epochs end with a validation pass (validation.ts) whose figures are recorded, checkpointed and reported,
 * never used to choose an epoch.
 */
import { createRng, randomPermutation } from '@defectlab/datasets';
import {
  buildTrainingGraph,
  NonFiniteLossError,
  OnnxGraphBuilder,
  runtimeVersions,
  TrainingSession,
  type ExecutionProvider,
  type FitProgress,
  type Tensor,
  type TrainingEngineInfo,
  type TrainingGraph,
} from '@defectlab/ml-core';
import { declareFlow, declareFlowLoss, withParameters, type FlowWeights } from './network';
import { readCheckpoint, writeCheckpoint } from './persist';
import { FlowValidator, validatesAt, type ValidationSet } from './validation';

export interface FlowOptimizer {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** 0 disables clipping. */
  readonly gradClipNorm: number;
}

export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: FlowOptimizer;
  /** Shuffling seed; epoch e uses seed + e, so a resumed run sees the same batches. */
  readonly seed: number;
  /** Preset name, stored in checkpoints (a checkpoint of another preset is refused). */
  readonly preset: string;
  readonly threads: number;
  readonly executionProvider?: ExecutionProvider;
  readonly onProgress?: (p: FitProgress) => void;
  readonly signal?: AbortSignal;
  readonly checkpointDir?: string;
  readonly checkpointEvery?: number;
  /** Must change whenever the model or data change; stored in checkpoints. */
  readonly fingerprint?: string;
  /** Labelled validation features: a validation pass after each `validation.every`-th epoch and the last. */
  readonly validation?: ValidationSet;
}

export interface TrainResult {
  readonly epochsRun: number;
  /** Mean loss of each epoch, including epochs restored from a checkpoint. */
  readonly lossCurve: number[];
  readonly finalLoss: number;
  readonly resumedFromEpoch: number;
  /**
   * Per epoch (restored epochs included), the mean training loss of the good validation images and the image
   * AUROC of good vs defective ones with that epoch's weights; null for an epoch without a validation pass
   * (validateEvery, no validation set, a class missing, or restored from a checkpoint that predates them).
   */
  readonly validationLosses: (number | null)[];
  readonly validationAuroc: (number | null)[];
  /** Wall seconds of the validation passes run by this call. */
  readonly validationSeconds: number;
  /** The trained network. */
  readonly weights: FlowWeights;
  readonly engine: TrainingEngineInfo;
}

/** The training graph of the flow for one batch size: inputs feat0..2 [batch, C, s, s]. */
export function buildFlowTrainingGraph(weights: FlowWeights, batch: number, sides: readonly number[], optimizer: FlowOptimizer): TrainingGraph {
  const c = weights.shape.channels;
  const g = new OnnxGraphBuilder({ name: 'csflow-train' });
  const dims = sides.map((s) => [batch, c, s, s]);
  const inputs = dims.map((d, i) => g.input(`feat${i}`, d));
  const flow = declareFlow(g, weights, inputs);
  const loss = declareFlowLoss(g, flow.zs, flow.logDet, dims);
  return buildTrainingGraph({
    model: 'csflow',
    builder: g,
    loss,
    params: flow.params,
    optimizer: { kind: 'adam', beta1: optimizer.beta1, beta2: optimizer.beta2, eps: optimizer.eps, weightDecay: optimizer.weightDecay, gradClipNorm: optimizer.gradClipNorm },
  });
}

export function shuffled(n: number, seed: number): Int32Array {
  return randomPermutation(createRng(seed), n);
}

/** Copies the samples `idx` of an NCHW tensor into a batch tensor. */
export function gatherSamples(t: Tensor, idx: ArrayLike<number>): Tensor {
  const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(idx.length * per);
  for (let i = 0; i < idx.length; i++) out.set(t.data.subarray(idx[i] * per, (idx[i] + 1) * per), i * per);
  return { data: out, dims: [idx.length, ...t.dims.slice(1)] };
}

/** Describes the training graph's dimensions (stored in checkpoints; another shape is refused). */
export function shapeKey(weights: FlowWeights, batch: number, sides: readonly number[]): string {
  const s = weights.shape;
  return `channels ${s.channels}, hidden ${s.hiddenChannels}, kernels ${s.kernelSizes.join(',')}, batch ${batch}, sides ${sides.join('/')}`;
}

/**
 * Trains the flow from `initial` on `features` (three NCHW tensors [N, C, S, S], [N, C, S/2, S/2],
 * [N, C, S/4, S/4], already reduced) and returns the trained weights.
 */
export async function trainFlow(initial: FlowWeights, features: readonly Tensor[], o: TrainOptions): Promise<TrainResult> {
  const n = features[0].dims[0];
  const sides = features.map((f) => f.dims[2]);
  const batch = Math.min(o.batchSize, n);
  const remainder = n % batch;
  const fingerprint = o.fingerprint ?? '';
  const identity = { preset: o.preset, shape: shapeKey(initial, batch, sides), fingerprint };
  const engine: TrainingEngineInfo = {
    engine: `onnxruntime-node ${runtimeVersions(['onnxruntime-node'])['onnxruntime-node'] ?? '?'}`,
    executionProvider: o.executionProvider ?? 'cpu',
    threads: o.threads,
  };
  const sessionOptions = { threads: o.threads, executionProvider: o.executionProvider };
  const full = await TrainingSession.create(buildFlowTrainingGraph(initial, batch, sides, o.optimizer), sessionOptions);
  let last: TrainingSession | null = null;
  let validator: FlowValidator | null = null;
  try {
    if (remainder > 0) last = await TrainingSession.create(buildFlowTrainingGraph(initial, remainder, sides, o.optimizer), sessionOptions, full);
    const lossCurve: number[] = [];
    const validationLosses: (number | null)[] = [];
    const validationAuroc: (number | null)[] = [];
    let startEpoch = 0;
    if (o.checkpointDir) {
      const ck = await readCheckpoint(o.checkpointDir, identity);
      if (ck) {
        full.setState({ step: ck.meta.step, tensors: ck.tensors });
        startEpoch = ck.meta.epoch;
        lossCurve.push(...ck.meta.lossCurve);
        // a v2 checkpoint written before validation was recorded has no history: those epochs stay null
        const restored = (list: readonly (number | null)[] | undefined) => Array.from({ length: startEpoch }, (_, i) => list?.[i] ?? null);
        validationLosses.push(...restored(ck.meta.validation?.losses));
        validationAuroc.push(...restored(ck.meta.validation?.auroc));
      }
    }
    const set = o.validation && o.validation.every > 0 && o.validation.features[0].dims[0] > 0 ? o.validation : null;
    validator = set ? await FlowValidator.create(initial, set, sessionOptions) : null;
    let validationSeconds = 0;
    const steps = Math.ceil(n / batch);
    const totalSteps = steps * (o.epochs - startEpoch);
    let doneSteps = 0;
    const t0 = Date.now();
    for (let epoch = startEpoch; epoch < o.epochs; epoch++) {
      const order = shuffled(n, o.seed + epoch);
      let epochLoss = 0;
      for (let s = 0; s < steps; s++) {
        o.signal?.throwIfAborted();
        const idx = order.subarray(s * batch, Math.min(n, (s + 1) * batch));
        const stepStart = Date.now();
        const feeds = Object.fromEntries(features.map((f, i) => [`feat${i}`, gatherSamples(f, idx)]));
        const session = idx.length === batch ? full : (last as TrainingSession);
        let lossValue: number;
        try {
          lossValue = (await session.trainStep(feeds, o.optimizer.lr)).loss;
        } catch (e) {
          if (e instanceof NonFiniteLossError) {
            const kept = o.checkpointDir ? `; the last good checkpoint (epoch ${epoch}) in ${o.checkpointDir} is kept` : '';
            throw new Error(`csflow: loss became ${e.loss} at epoch ${epoch + 1}, step ${s + 1}: training stopped${kept}`, { cause: e });
          }
          throw e;
        }
        epochLoss += lossValue * idx.length;
        doneSteps++;
        const elapsed = (Date.now() - t0) / 1000;
        o.onProgress?.({
          phase: 'train',
          epoch: epoch + 1,
          epochs: o.epochs,
          step: s + 1,
          steps,
          loss: lossValue,
          throughput: idx.length / Math.max(1e-3, (Date.now() - stepStart) / 1000),
          etaSeconds: (elapsed / doneSteps) * (totalSteps - doneSteps),
        });
        // Yield to the event loop so abort handlers and progress consumers can run.
        await new Promise<void>((r) => setImmediate(r));
      }
      lossCurve.push(epochLoss / n);
      let validated = '';
      if (validator && set && validatesAt(set.every, epoch + 1, o.epochs)) {
        const v0 = Date.now();
        const v = await validator.evaluate(full.parameters());
        const seconds = (Date.now() - v0) / 1000;
        validationSeconds += seconds;
        validationLosses.push(v.loss);
        validationAuroc.push(v.auroc);
        validated = `, validation loss ${v.loss === null ? 'n/a (no good images)' : v.loss.toFixed(4)}, validation AUROC ${v.auroc === null ? 'n/a (needs good and defective images)' : v.auroc.toFixed(3)} (${seconds.toFixed(1)} s)`;
      } else {
        validationLosses.push(null);
        validationAuroc.push(null);
      }
      const elapsed = (Date.now() - t0) / 1000;
      o.onProgress?.({
        phase: 'train',
        epoch: epoch + 1,
        epochs: o.epochs,
        loss: epochLoss / n,
        throughput: doneSteps > 0 ? (n * (epoch + 1 - startEpoch)) / elapsed : 0,
        etaSeconds: (elapsed / doneSteps) * (totalSteps - doneSteps),
        message: `epoch ${epoch + 1}/${o.epochs} mean loss ${(epochLoss / n).toFixed(4)}${validated}`,
      });
      const every = o.checkpointEvery ?? 1;
      if (o.checkpointDir && ((epoch + 1) % every === 0 || epoch + 1 === o.epochs)) {
        const state = full.exportState();
        await writeCheckpoint(o.checkpointDir, state.tensors, {
          identity,
          epoch: epoch + 1,
          step: state.step,
          rng: { seed: o.seed, nextEpoch: epoch + 1 },
          lossCurve,
          validation: { losses: validationLosses, auroc: validationAuroc },
        });
      }
    }
    return {
      epochsRun: o.epochs - startEpoch,
      lossCurve,
      finalLoss: lossCurve.length > 0 ? lossCurve[lossCurve.length - 1] : NaN,
      resumedFromEpoch: startEpoch,
      validationLosses,
      validationAuroc,
      validationSeconds,
      weights: withParameters(initial, full.parameters()),
      engine,
    };
  } finally {
    await full.release();
    await last?.release();
    await validator?.release();
  }
}
