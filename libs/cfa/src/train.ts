import type * as tfType from '@tensorflow/tfjs';
import { cfaLoss, type CfaLossParams } from './loss';
import { gridCoordinates, type DescriptorWeights } from './descriptor';
import { AdamW } from './optimizer';

type Tf = typeof tfType;

/** A batch of aggregated features: rows [images * P, Cin]. */
export interface FeatureBatch {
  readonly rows: Float32Array;
  readonly images: number;
}

export interface TrainDescriptorInput {
  readonly tf: Tf;
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
}

export interface TrainDescriptorResult {
  readonly weights: DescriptorWeights;
  readonly radius: number;
  readonly epochsRun: number;
  /** Epoch (1-based) whose weights were kept. */
  readonly keptEpoch: number;
  readonly trainLosses: number[];
  readonly validationLosses: number[];
}

/**
 * Trains the CoordConv descriptor (and the radius r) with the soft-boundary loss on TensorFlow.js,
 * AdamW + AMSGrad. Model selection looks at the validation loss only (never at test data): with
 * validation batches, the epoch of lowest validation loss is kept and `patience` stops early.
 * Frees every tensor it creates.
 */
export async function trainDescriptor(input: TrainDescriptorInput): Promise<TrainDescriptorResult> {
  const { tf, initial, gridH, gridW } = input;
  const P = gridH * gridW;
  const { inChannels: C, outChannels: D } = initial;
  const M = input.centres.length / D;
  // tidy frees the initial-value tensors; the variables survive it
  const wf = tf.tidy(() => tf.variable(tf.tensor2d(initial.wf, [C, D]), true));
  const wc = tf.tidy(() => tf.variable(tf.tensor2d(initial.wc, [2, D]), true));
  const b = tf.tidy(() => tf.variable(tf.tensor1d(initial.b), true));
  const r = tf.tidy(() => tf.variable(tf.tensor1d([input.radius]), true));
  const variables = { wf, wc, b, r };
  const centresT = tf.tidy(() => tf.transpose(tf.tensor2d(input.centres, [M, D]))) as tfType.Tensor2D;
  const centresSq = tf.tidy(() => tf.sum(tf.square(centresT), 0, true)) as tfType.Tensor2D;
  const coords = tf.tensor2d(gridCoordinates(gridH, gridW), [P, 2]);
  const optimizer = new AdamW(tf, { learningRate: input.learningRate, weightDecay: input.weightDecay, amsgrad: input.amsgrad });
  const coordCache = new Map<number, tfType.Tensor2D>();
  const coordsFor = (images: number): tfType.Tensor2D => {
    let t = coordCache.get(images);
    if (!t) {
      t = tf.keep(tf.tile(coords, [images, 1])) as tfType.Tensor2D; // created inside a tidy on first use: keep it
      coordCache.set(images, t);
    }
    return t;
  };
  const forwardLoss = (x: tfType.Tensor2D, images: number): tfType.Scalar => {
    const phi = tf.add(tf.add(tf.matMul(x, wf), tf.matMul(coordsFor(images), wc)), b) as tfType.Tensor2D;
    return cfaLoss(tf, phi, centresT, centresSq, r, input.loss);
  };
  const snapshot = (): { weights: DescriptorWeights; radius: number } => ({
    weights: { inChannels: C, outChannels: D, wf: Float32Array.from(wf.dataSync()), wc: Float32Array.from(wc.dataSync()), b: Float32Array.from(b.dataSync()) },
    radius: r.dataSync()[0],
  });

  const trainLosses: number[] = [];
  const validationLosses: number[] = [];
  let best = snapshot();
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
        const x = tf.tensor2d(batch.rows, [batch.images * P, C]);
        try {
          const { value, grads } = tf.variableGrads(() => forwardLoss(x, batch.images), Object.values(variables));
          const loss = (await value.data())[0];
          optimizer.apply(variables, { wf: grads[wf.name], wc: grads[wc.name], b: grads[b.name], r: grads[r.name] });
          value.dispose();
          for (const g of Object.values(grads)) g.dispose();
          sum += loss;
          steps++;
          input.onStep?.({ epoch, step: steps, loss });
        } finally {
          x.dispose();
        }
      }
      const trainLoss = sum / Math.max(1, steps);
      trainLosses.push(trainLoss);
      let validationLoss: number | null = null;
      if (input.validationBatches) {
        let vs = 0;
        let vn = 0;
        for await (const batch of input.validationBatches()) {
          const l = tf.tidy(() => forwardLoss(tf.tensor2d(batch.rows, [batch.images * P, C]), batch.images));
          vs += (await l.data())[0] * batch.images;
          vn += batch.images;
          l.dispose();
        }
        validationLoss = vs / Math.max(1, vn);
        validationLosses.push(validationLoss);
      }
      input.onEpoch?.({ epoch, trainLoss, validationLoss });
      const criterion = validationLoss ?? -epoch; // without validation: always keep the latest epoch
      if (criterion < bestLoss) {
        bestLoss = criterion;
        best = snapshot();
        keptEpoch = epoch;
        sinceBest = 0;
      } else if (input.patience > 0 && ++sinceBest >= input.patience) {
        break;
      }
    }
  } finally {
    optimizer.dispose();
    for (const t of [wf, wc, b, r, centresT, centresSq, coords, ...coordCache.values()]) t.dispose();
  }
  return { weights: best.weights, radius: best.radius, epochsRun: Math.min(epoch, input.epochs), keptEpoch, trainLosses, validationLosses };
}
