import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tfType from '@tensorflow/tfjs';
import { initTrainingBackend, type FitProgress } from '@defectlab/ml-core';
import { resolveConfig } from './config';
import { flowNll } from './loss';
import { CsFlowNet } from './model';
import { seededScales } from './testing/tiny-flow';
import { trainFlow, type TrainOptions } from './train';

const SHAPE = { channels: 4, hiddenChannels: 8, kernelSizes: [3, 3], clamp: 3, leakySlope: 0.1 };

describe('trainFlow', () => {
  let tf: typeof tfType;
  let feats: tfType.Tensor4D[];
  const opts = (over: Partial<TrainOptions> = {}): TrainOptions => ({
    epochs: 6,
    batchSize: 8,
    optimizer: { ...resolveConfig({}).optimizer, lr: 5e-3 },
    seed: 3,
    ...over,
  });
  const nll = (net: CsFlowNet): number =>
    tf.tidy(() => {
      const out = net.forward(feats);
      return flowNll(tf, out.zs, out.logDet).dataSync()[0];
    });

  beforeAll(async () => {
    tf = (await initTrainingBackend()).tf;
    // Non-standard data (shifted mean, 32 samples): the identity flow at init does not fit it.
    feats = seededScales(tf, 32, 8, SHAPE.channels, 11, 1.5);
  });
  afterAll(() => tf.dispose(feats));

  it('lowers the NLL of the training features and reports progress', async () => {
    const net = new CsFlowNet(tf, SHAPE, 1);
    const events: FitProgress[] = [];
    try {
      const before = nll(net);
      const res = await trainFlow(tf, net, feats, opts({ onProgress: (p) => events.push(p) }));
      const after = nll(net);
      expect(after).toBeLessThan(before - 0.1);
      expect(res.epochsRun).toBe(6);
      expect(res.lossCurve).toHaveLength(6);
      const steps = events.filter((e) => e.step !== undefined);
      expect(steps).toHaveLength(6 * 4);
      expect(steps.every((e) => Number.isFinite(e.loss) && (e.throughput ?? 0) > 0 && (e.etaSeconds ?? -1) >= 0)).toBe(true);
      expect(events.filter((e) => e.step === undefined && e.message)).toHaveLength(6);
    } finally {
      net.dispose();
    }
  });

  it('is deterministic given the seed, and a resumed run ends where an uninterrupted one does', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csflow-ck-'));
    const a = new CsFlowNet(tf, SHAPE, 2);
    const b = new CsFlowNet(tf, SHAPE, 2);
    try {
      await trainFlow(tf, a, feats, opts({ epochs: 4 }));
      // Train b for 2 epochs with checkpoints, abort during epoch 3, then resume to 4.
      await trainFlow(tf, b, feats, opts({ epochs: 2, checkpointDir: dir, fingerprint: 'x' }));
      const ctrl = new AbortController();
      // Same seed (it fixes the channel permutations); the weights must come from the checkpoint.
      const c = new CsFlowNet(tf, SHAPE, 2);
      try {
        await expect(
          trainFlow(tf, c, feats, {
            ...opts({ epochs: 4, checkpointDir: dir, fingerprint: 'x' }),
            signal: ctrl.signal,
            onProgress: (p) => {
              if (p.epoch === 3 && p.step === 2) ctrl.abort();
            },
          }),
        ).rejects.toThrow(/abort/i);
        const d = new CsFlowNet(tf, SHAPE, 2);
        try {
          const res = await trainFlow(tf, d, feats, opts({ epochs: 4, checkpointDir: dir, fingerprint: 'x' }));
          expect(res.resumedFromEpoch).toBe(2);
          expect(res.epochsRun).toBe(2);
          const va = a.variables();
          const maxDiff = Math.max(...d.variables().map((v, i) => tf.max(tf.abs(tf.sub(v, va[i]))).dataSync()[0]));
          expect(maxDiff).toBeLessThan(1e-6);
          await expect(trainFlow(tf, d, feats, opts({ epochs: 5, checkpointDir: dir, fingerprint: 'other' }))).rejects.toThrow(
            /another config/,
          );
        } finally {
          d.dispose();
        }
      } finally {
        c.dispose();
      }
    } finally {
      a.dispose();
      b.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaks no tensors', async () => {
    const net = new CsFlowNet(tf, SHAPE, 4);
    try {
      const before = tf.memory().numTensors;
      await trainFlow(tf, net, feats, opts({ epochs: 1 }));
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      net.dispose();
    }
  });
});
