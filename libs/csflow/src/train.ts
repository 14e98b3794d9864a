/**
 * The CS-Flow training loop over cached feature maps: shuffled mini-batches, NLL loss, clipped Adam,
 * progress per step and per epoch, cancellation through an AbortSignal, checkpoints and resume.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { FitProgress } from '@defectlab/ml-core';
import { createRng } from '@defectlab/datasets';
import { ClippedAdam, type AdamSettings } from './adam';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import { flowNll } from './loss';
import type { CsFlowNet } from './model';

export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: AdamSettings;
  /** Shuffling seed; epoch e uses seed + e, so a resumed run sees the same batches. */
  readonly seed: number;
  readonly onProgress?: (p: FitProgress) => void;
  readonly signal?: AbortSignal;
  readonly checkpointDir?: string;
  readonly checkpointEvery?: number;
  /** Must change whenever the model or data change; stored in checkpoints. */
  readonly fingerprint?: string;
}

export interface TrainResult {
  readonly epochsRun: number;
  /** Mean loss of each epoch, including epochs restored from a checkpoint. */
  readonly lossCurve: number[];
  readonly finalLoss: number;
  readonly resumedFromEpoch: number;
}

function shuffled(n: number, seed: number): Int32Array {
  const rng = createRng(seed);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/**
 * Trains `net` in place.
 * @param features three NHWC tensors [N,S,S,C], [N,S/2,S/2,C], [N,S/4,S/4,C] of the training images (not disposed)
 */
export async function trainFlow(
  tf: typeof tfType,
  net: CsFlowNet,
  features: readonly tfType.Tensor4D[],
  o: TrainOptions,
): Promise<TrainResult> {
  const n = features[0].shape[0];
  const vars = net.variables();
  const adam = new ClippedAdam(tf, vars, o.optimizer);
  const fingerprint = o.fingerprint ?? '';
  const lossCurve: number[] = [];
  let startEpoch = 0;
  if (o.checkpointDir) {
    const ck = await readCheckpoint(o.checkpointDir);
    if (ck) {
      if (ck.meta.fingerprint !== fingerprint) {
        throw new Error(`csflow: checkpoint in ${o.checkpointDir} belongs to another config or dataset; refusing to resume`);
      }
      const n = vars.length;
      if (ck.data.length !== 3 * n || vars.some((v, i) => v.size !== ck.data[i].length)) {
        throw new Error('csflow: checkpoint arrays do not match the model');
      }
      tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(ck.data[i], v.shape))));
      for (let i = 0; i < n; i++) {
        adam.m[i].set(ck.data[n + i]);
        adam.v[i].set(ck.data[2 * n + i]);
      }
      adam.step = ck.meta.adamStep;
      startEpoch = ck.meta.epoch;
      lossCurve.push(...ck.meta.lossCurve);
    }
  }
  const steps = Math.ceil(n / o.batchSize);
  const totalSteps = steps * (o.epochs - startEpoch);
  let doneSteps = 0;
  const t0 = Date.now();
  for (let epoch = startEpoch; epoch < o.epochs; epoch++) {
    const order = shuffled(n, o.seed + epoch);
    let epochLoss = 0;
    for (let s = 0; s < steps; s++) {
      o.signal?.throwIfAborted();
      const idx = order.subarray(s * o.batchSize, Math.min(n, (s + 1) * o.batchSize));
      const stepStart = Date.now();
      const idxT = tf.tensor1d(idx, 'int32');
      const batch = features.map((f) => tf.gather(f, idxT, 0) as tfType.Tensor4D);
      let lossValue: number;
      try {
        const { value, grads } = tf.variableGrads(() => {
          const out = net.forward(batch);
          return flowNll(tf, out.zs, out.logDet);
        }, vars);
        try {
          lossValue = (await value.data())[0];
          await adam.apply(vars.map((v) => grads[v.name]));
        } finally {
          value.dispose();
          tf.dispose(grads);
        }
      } finally {
        idxT.dispose();
        tf.dispose(batch);
      }
      if (!Number.isFinite(lossValue)) throw new Error(`csflow: loss became ${lossValue} at epoch ${epoch + 1}, step ${s + 1}`);
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
    const elapsed = (Date.now() - t0) / 1000;
    o.onProgress?.({
      phase: 'train',
      epoch: epoch + 1,
      epochs: o.epochs,
      loss: epochLoss / n,
      throughput: (doneSteps > 0 ? (n * (epoch + 1 - startEpoch)) / elapsed : 0),
      etaSeconds: (elapsed / doneSteps) * (totalSteps - doneSteps),
      message: `epoch ${epoch + 1}/${o.epochs} mean loss ${(epochLoss / n).toFixed(4)}`,
    });
    const every = o.checkpointEvery ?? 1;
    if (o.checkpointDir && ((epoch + 1) % every === 0 || epoch + 1 === o.epochs)) {
      const weights = await Promise.all(vars.map((v) => v.data<'float32'>() as Promise<Float32Array>));
      await writeCheckpoint(o.checkpointDir, [...weights, ...adam.m, ...adam.v], {
        epoch: epoch + 1,
        adamStep: adam.step,
        fingerprint,
        lossCurve,
      });
    }
  }
  return {
    epochsRun: o.epochs - startEpoch,
    lossCurve,
    finalLoss: lossCurve.length > 0 ? lossCurve[lossCurve.length - 1] : NaN,
    resumedFromEpoch: startEpoch,
  };
}
