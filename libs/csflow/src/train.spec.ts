import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRng } from '@defectlab/datasets';
import { auroc } from '@defectlab/metrics';
import { runSession, OnnxGraphBuilder, type FitProgress, type Tensor } from '@defectlab/ml-core';
import { resolveConfig } from './config';
import { buildFlowOnnx } from './export-onnx';
import { declareFlow, declareFlowLoss, flowParameters, initFlowWeights, type FlowShape, type FlowWeights } from './network';
import { CHECKPOINT_JSON } from './persist';
import { imageScores } from './score';
import { trainFlow, type TrainOptions } from './train';
import type { ValidationSet } from './validation';

const SHAPE: FlowShape = { channels: 4, hiddenChannels: 8, kernelSizes: [3, 3], clamp: 3, leakySlope: 0.1 };
const SIDES = [8, 4, 2];

/** Seeded NCHW features at three scales; shifted so the identity flow at init does not fit them. */
function seededFeatures(n: number, seed: number, shift = 1.5): Tensor[] {
  const rng = createRng(seed);
  return SIDES.map((s) => ({ data: Float32Array.from({ length: n * SHAPE.channels * s * s }, () => rng.normal() + shift), dims: [n, SHAPE.channels, s, s] }));
}

/** The NLL of `weights` on `feats` (the inference side of the same declaration). */
async function nll(weights: FlowWeights, feats: readonly Tensor[]): Promise<number> {
  const g = new OnnxGraphBuilder({ name: 'nll' });
  const inputs = feats.map((f, i) => g.input(`feat${i}`, f.dims));
  const flow = declareFlow(g, weights, inputs);
  g.output(declareFlowLoss(g, flow.zs, flow.logDet, feats.map((f) => f.dims)), 'loss', []);
  const out = await runSession(g.toBytes(), Object.fromEntries(feats.map((f, i) => [`feat${i}`, f])));
  return out.loss.data[0];
}

/** Images [start, end) of each scale. */
function sliceImages(feats: readonly Tensor[], start: number, end: number): Tensor[] {
  return feats.map((f) => {
    const per = f.data.length / f.dims[0];
    return { data: f.data.slice(start * per, end * per), dims: [end - start, ...f.dims.slice(1)] };
  });
}

/** Image scores of `weights` through the exported flow head (initializers, not inputs) and score.ts. */
async function exportedImageScores(weights: FlowWeights, feats: readonly Tensor[]): Promise<Float32Array> {
  const out = await runSession(buildFlowOnnx(weights, { reduction: null, inputChannels: SHAPE.channels }), Object.fromEntries(feats.map((f, i) => [`feat${i}`, f])));
  return imageScores([out.pos0, out.pos1, out.pos2], 'mean');
}

function maxParameterDiff(a: FlowWeights, b: FlowWeights): number {
  const pb = flowParameters(b);
  return Math.max(...flowParameters(a).map((p, i) => Math.max(...p.data.map((v, k) => Math.abs(v - pb[i].data[k])))));
}

/** The small preset's options for `epochs` epochs of batches of 8 (lr 5e-3 so a few epochs move the weights). */
function smallRunOptions(epochs: number, over: Partial<TrainOptions>): TrainOptions {
  return { epochs, batchSize: 8, optimizer: { ...resolveConfig({}).optimizer, lr: 5e-3 }, seed: 3, preset: 'small', threads: 1, ...over };
}

describe('trainFlow on the ONNX engine', () => {
  const feats = seededFeatures(30, 11); // 30 = 3 batches of 8 + a last batch of 6
  const opts = (over: Partial<TrainOptions> = {}): TrainOptions => smallRunOptions(6, over);

  it('lowers the NLL of the training features and reports progress (last batch smaller)', async () => {
    const initial = initFlowWeights(SHAPE, 1);
    const events: FitProgress[] = [];
    const before = await nll(initial, feats);
    const res = await trainFlow(initial, feats, opts({ onProgress: (p) => events.push(p) }));
    const after = await nll(res.weights, feats);
    expect(after).toBeLessThan(before - 0.1);
    expect(res.epochsRun).toBe(6);
    expect(res.lossCurve).toHaveLength(6);
    expect(res.engine).toMatchObject({ executionProvider: 'cpu', threads: 1 });
    expect(res.engine.engine).toMatch(/^onnxruntime-node \d/);
    const steps = events.filter((e) => e.step !== undefined);
    expect(steps).toHaveLength(6 * 4);
    expect(steps.every((e) => Number.isFinite(e.loss) && (e.throughput ?? 0) > 0 && (e.etaSeconds ?? -1) >= 0)).toBe(true);
    expect(events.filter((e) => e.step === undefined && e.message)).toHaveLength(6);
  });

  it('is deterministic given the seed, and a resumed run ends where an uninterrupted one does', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csflow-ck-'));
    try {
      const a = await trainFlow(initFlowWeights(SHAPE, 2), feats, opts({ epochs: 4 }));
      await trainFlow(initFlowWeights(SHAPE, 2), feats, opts({ epochs: 2, checkpointDir: dir, fingerprint: 'x' }));
      const ctrl = new AbortController();
      await expect(
        trainFlow(initFlowWeights(SHAPE, 2), feats, {
          ...opts({ epochs: 4, checkpointDir: dir, fingerprint: 'x' }),
          signal: ctrl.signal,
          onProgress: (p) => {
            if (p.epoch === 3 && p.step === 2) ctrl.abort();
          },
        }),
      ).rejects.toThrow(/abort/i);
      const d = await trainFlow(initFlowWeights(SHAPE, 2), feats, opts({ epochs: 4, checkpointDir: dir, fingerprint: 'x' }));
      expect(d.resumedFromEpoch).toBe(2);
      expect(d.epochsRun).toBe(2);
      expect(maxParameterDiff(d.weights, a.weights)).toBe(0);
      expect(d.lossCurve).toEqual(a.lossCurve);
      await expect(trainFlow(initFlowWeights(SHAPE, 2), feats, opts({ epochs: 5, checkpointDir: dir, fingerprint: 'other' }))).rejects.toThrow(/another config/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a paper-preset checkpoint (scaled down: hidden 8) is written and resumed where an uninterrupted run ends', async () => {
    // The paper preset's architecture (304 channels, 4 blocks with kernels 3,3,3,5, clamp, slope, Adam
    // settings) at its training shape (batch 1, sides 24/12/6 of 768 px), only the hidden width cut from
    // 1024 to 8 so the test stays fast; the full preset is measured by the bench (train-step section).
    const cfg = resolveConfig({ preset: 'paper', hiddenChannels: 8, batchSize: 1 });
    const shape: FlowShape = { channels: cfg.featureChannels, hiddenChannels: cfg.hiddenChannels, kernelSizes: cfg.kernelSizes, clamp: cfg.clamp, leakySlope: cfg.leakySlope };
    const rng = createRng(4);
    const paperFeats = [24, 12, 6].map((s) => ({ data: Float32Array.from({ length: 2 * shape.channels * s * s }, () => rng.normal() + 1), dims: [2, shape.channels, s, s] }));
    const paperOpts = (over: Partial<TrainOptions>): TrainOptions => ({ epochs: 2, batchSize: cfg.batchSize, optimizer: cfg.optimizer, seed: 7, preset: cfg.preset, threads: 1, fingerprint: 'p', ...over });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csflow-ck-'));
    const afterEpoch1 = path.join(dir, 'after-epoch-1');
    try {
      // two sessions, not three (each paper-shaped graph takes seconds to compile): the uninterrupted run
      // checkpoints every epoch, and its epoch-1 checkpoint is copied aside once epoch 2 has started
      const whole = await trainFlow(initFlowWeights(shape, 5), paperFeats, paperOpts({
        checkpointDir: path.join(dir, 'run'),
        onProgress: (p) => {
          if (p.epoch === 2 && p.step === 1) fs.cpSync(path.join(dir, 'run'), afterEpoch1, { recursive: true });
        },
      }));
      const meta = JSON.parse(fs.readFileSync(path.join(afterEpoch1, CHECKPOINT_JSON), 'utf8'));
      expect(meta.identity).toEqual({ preset: 'paper', shape: 'channels 304, hidden 8, kernels 3,3,3,5, batch 1, sides 24/12/6', fingerprint: 'p' });
      expect(meta).toMatchObject({ epoch: 1, step: 2 });
      const resumed = await trainFlow(initFlowWeights(shape, 5), paperFeats, paperOpts({ checkpointDir: afterEpoch1 }));
      expect(resumed.resumedFromEpoch).toBe(1);
      expect(maxParameterDiff(resumed.weights, whole.weights)).toBe(0);
      expect(resumed.lossCurve).toEqual(whole.lossCurve);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a checkpoint of another preset or shape, naming both', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csflow-ck-'));
    try {
      await trainFlow(initFlowWeights(SHAPE, 2), feats, opts({ epochs: 1, checkpointDir: dir, fingerprint: 'x' }));
      await expect(trainFlow(initFlowWeights(SHAPE, 2), feats, opts({ epochs: 2, checkpointDir: dir, fingerprint: 'x', preset: 'seed' }))).rejects.toThrow(
        /preset "small" \(channels 4, hidden 8.*this run is preset "seed" \(channels 4, hidden 8/,
      );
      const wider: FlowShape = { ...SHAPE, hiddenChannels: 6 };
      await expect(trainFlow(initFlowWeights(wider, 2), feats, opts({ epochs: 2, checkpointDir: dir, fingerprint: 'x' }))).rejects.toThrow(
        /hidden 8, .*this run is preset "small" \(channels 4, hidden 6/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a format-1 (TF.js engine) checkpoint with a clear error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csflow-ck-'));
    try {
      fs.writeFileSync(path.join(dir, CHECKPOINT_JSON), JSON.stringify({ epoch: 2, adamStep: 8, fingerprint: 'x', lossCurve: [0.4, 0.3], blobBytes: 0, arrays: [] }));
      await expect(trainFlow(initFlowWeights(SHAPE, 2), feats, opts({ epochs: 3, checkpointDir: dir, fingerprint: 'x' }))).rejects.toThrow(
        /format 1 \(TF\.js engine\).*defectlab-csflow-checkpoint\/2/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a NaN loss stops the run naming epoch and step, and keeps the last good checkpoint', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csflow-ck-'));
    try {
      await trainFlow(initFlowWeights(SHAPE, 2), feats, opts({ epochs: 1, checkpointDir: dir, fingerprint: 'x' }));
      const good = fs.readFileSync(path.join(dir, CHECKPOINT_JSON), 'utf8');
      const poisoned = feats.map((f) => ({ data: f.data.map((v, i) => (i === 5 ? NaN : v)), dims: f.dims }));
      await expect(trainFlow(initFlowWeights(SHAPE, 2), poisoned, opts({ epochs: 3, checkpointDir: dir, fingerprint: 'x' }))).rejects.toThrow(
        /loss became NaN at epoch 2, step \d+: training stopped; the last good checkpoint \(epoch 1\)/,
      );
      expect(fs.readFileSync(path.join(dir, CHECKPOINT_JSON), 'utf8')).toBe(good);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes checkpoints with parameters, Adam state, step and RNG state by name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csflow-ck-'));
    try {
      await trainFlow(initFlowWeights(SHAPE, 2), feats, opts({ epochs: 2, checkpointDir: dir, fingerprint: 'x' }));
      const meta = JSON.parse(fs.readFileSync(path.join(dir, CHECKPOINT_JSON), 'utf8'));
      expect(meta).toMatchObject({ format: 'defectlab-csflow-checkpoint/2', epoch: 2, step: 8, rng: { seed: 3, nextEpoch: 2 } });
      const names = meta.tensors.map((t: { name: string }) => t.name);
      expect(names).toContain('b0.a.in0.w');
      expect(names).toContain('b0.a.in0.w::m');
      expect(names).toContain('b1.b.gamma::v');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('trainFlow with a validation set', () => {
  // training: the seeded features; validation: 6 good images of the same distribution and 4 defective ones
  // whose features are shifted by 3 (far outside what the flow learns), so the AUROC is informative
  const feats = seededFeatures(16, 21);
  const good = seededFeatures(6, 22);
  const bad = seededFeatures(4, 23, 4.5);
  const validationFeatures = good.map((g, i) => ({ data: Float32Array.from([...g.data, ...bad[i].data]), dims: [10, ...g.dims.slice(1)] }));
  const defective = [...Array(6).fill(false), ...Array(4).fill(true)] as boolean[];
  const validation = (every: number): ValidationSet => ({ features: validationFeatures, defective, every, scoreMode: 'mean', topKFraction: 0.01, batchSize: 4 });
  const opts = (over: Partial<TrainOptions> = {}): TrainOptions => smallRunOptions(4, over);

  it('records one validation loss and AUROC per epoch, equal to the exported head on the final weights, and leaves training as it was', async () => {
    const events: FitProgress[] = [];
    const plain = await trainFlow(initFlowWeights(SHAPE, 2), feats, opts());
    const res = await trainFlow(initFlowWeights(SHAPE, 2), feats, opts({ validation: validation(1), onProgress: (p) => events.push(p) }));
    // the validation pass reads the parameters only: same weights and losses as without it
    expect(maxParameterDiff(res.weights, plain.weights)).toBe(0);
    expect(res.lossCurve).toEqual(plain.lossCurve);
    expect(plain.validationAuroc).toEqual([null, null, null, null]);
    expect(res.validationAuroc).toHaveLength(4);
    expect(res.validationLosses).toHaveLength(4);
    for (const a of res.validationAuroc) {
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThanOrEqual(1);
    }
    // the last epoch's figures are those of the returned weights, computed another way: the loss as the
    // inference-side NLL of the good images, the AUROC from the exported head's scores (score.ts)
    expect(res.validationLosses[3]).toBeCloseTo(await nll(res.weights, sliceImages(validationFeatures, 0, 6)), 4);
    const scores = await exportedImageScores(res.weights, validationFeatures);
    expect(res.validationAuroc[3]).toBe(auroc(scores, defective.map((d) => (d ? 1 : 0))));
    expect(res.validationAuroc[3]).toBeGreaterThan(0.9); // shifted features are plainly out of distribution
    expect(res.validationSeconds).toBeGreaterThan(0);
    const ends = events.filter((e) => e.step === undefined && e.message);
    expect(ends).toHaveLength(4);
    expect(ends[3].message).toMatch(/^epoch 4\/4 mean loss -?\d+\.\d{4}, validation loss -?\d+\.\d{4}, validation AUROC [01]\.\d{3} \(\d+\.\d s\)$/);
  });

  it('validates every n-th epoch and the last; the history survives a resume, also from a checkpoint without it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csflow-val-'));
    try {
      const whole = await trainFlow(initFlowWeights(SHAPE, 2), feats, opts({ epochs: 5, validation: validation(2) }));
      expect(whole.validationAuroc.map((a) => a !== null)).toEqual([false, true, false, true, true]);
      expect(whole.validationLosses.map((a) => a !== null)).toEqual([false, true, false, true, true]);

      await trainFlow(initFlowWeights(SHAPE, 2), feats, opts({ epochs: 2, validation: validation(2), checkpointDir: dir, fingerprint: 'x' }));
      const meta = JSON.parse(fs.readFileSync(path.join(dir, CHECKPOINT_JSON), 'utf8'));
      expect(meta.validation).toEqual({ losses: whole.validationLosses.slice(0, 2), auroc: whole.validationAuroc.slice(0, 2) });
      const resumed = await trainFlow(initFlowWeights(SHAPE, 2), feats, opts({ epochs: 5, validation: validation(2), checkpointDir: dir, fingerprint: 'x' }));
      expect(resumed.resumedFromEpoch).toBe(2);
      expect(resumed.validationAuroc).toEqual(whole.validationAuroc);
      expect(resumed.validationLosses).toEqual(whole.validationLosses);

      // a v2 checkpoint written before validation was recorded: resumes, its epochs' figures stay null
      const old = path.join(dir, 'old');
      await trainFlow(initFlowWeights(SHAPE, 2), feats, opts({ epochs: 2, checkpointDir: old, fingerprint: 'x' }));
      const oldMeta = JSON.parse(fs.readFileSync(path.join(old, CHECKPOINT_JSON), 'utf8'));
      delete oldMeta.validation;
      fs.writeFileSync(path.join(old, CHECKPOINT_JSON), JSON.stringify(oldMeta));
      const fromOld = await trainFlow(initFlowWeights(SHAPE, 2), feats, opts({ epochs: 3, validation: validation(1), checkpointDir: old, fingerprint: 'x' }));
      expect(fromOld.resumedFromEpoch).toBe(2);
      expect(fromOld.validationAuroc.slice(0, 2)).toEqual([null, null]);
      expect(fromOld.validationAuroc[2]).not.toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
