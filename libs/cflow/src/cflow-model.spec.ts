import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDemoDataset, toNormalizedBatch } from '@defectlab/datasets';
import { createRandomConvExtractor, openSessionCount, runSession, type FeatureExtractor } from '@defectlab/ml-core';
import { CflowModel, createCflow } from './cflow-model';
import { parameterCountOf } from './network';

/**
 * Fit / score / save / load / export on tiny generated images with the random-weight CNN fixture
 * (taps l1: 8 ch at 16 x 16, l2: 16 ch at 8 x 8 for 64 px images).
 */
describe('CflowModel (random-conv fixture, tiny demo images)', () => {
  let extractor: FeatureExtractor;
  let dir: string;
  const config = {
    preset: 'small' as const,
    layers: ['l1', 'l2'],
    conditionDim: 16,
    couplingBlocks: 2,
    metaEpochs: 3,
    subEpochs: 2,
    batchSize: 3,
    fiberBatchSize: 64,
    fiberFraction: 0.5,
    learningRate: 2e-3,
    seed: 1,
  };

  beforeAll(async () => {
    extractor = await createRandomConvExtractor(5);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cflow-spec-'));
  });
  afterAll(async () => {
    await extractor.dispose();
    await fs.rm(dir, { recursive: true, force: true });
    expect(openSessionCount()).toBe(0);
  });

  async function demo(seed: number) {
    const d = await generateDemoDataset({ productLine: 'flex', seed, size: 64, counts: { trainGood: 6, testGood: 2, testDefective: 2 } });
    return { train: d.samples.filter((s) => s.split === 'train').map((s) => s.image), test: d.samples.filter((s) => s.split === 'test').map((s) => s.image) };
  }

  it('the NLL loss drops on fiber batches; save -> load scores identically; the ONNX export scores as in process', async () => {
    const { train, test } = await demo(3);
    const model = createCflow(extractor, { ...config, scoreMode: 'std' });
    try {
      const report = await model.fit(train);
      const t = report.resolvedConfig.training as { epochLosses: number[]; steps: number; likelihoodReferences: number[] };
      expect(t.epochLosses).toHaveLength(6);
      expect(t.epochLosses[5]).toBeLessThan(t.epochLosses[0]);
      // per epoch: 2 image batches x (stage 1: floor(768 x 0.5 / 64) = 6, stage 2: floor(192 x 0.5 / 64) = 1)
      expect(t.steps).toBe(6 * 2 * 7);
      expect(t.likelihoodReferences.every(Number.isFinite)).toBe(true);
      const n = parameterCountOf({ channels: [8, 16], conditionDim: 16, couplingBlocks: 2, hiddenRatio: 1, clamp: 1.9 });
      expect(model.sizeBytes()).toBe((n.trainable + n.fixed) * 4);
      expect(report.deviations.some((d) => d.includes("image score 'std'"))).toBe(true);

      const scored = await model.score(test);
      expect(scored.anomalyMaps.dims).toEqual([4, 1, 64, 64]);

      await model.save(path.join(dir, 'saved'));
      const loaded = await CflowModel.load(path.join(dir, 'saved'), extractor);
      try {
        const again = await loaded.score(test);
        expect(Array.from(again.imageScores)).toEqual(Array.from(scored.imageScores));
        expect(Array.from(again.anomalyMaps.data)).toEqual(Array.from(scored.anomalyMaps.data));
      } finally {
        await loaded.dispose();
      }

      const file = path.join(dir, 'cflow.onnx');
      expect(await model.exportOnnx(file)).toBe((await fs.stat(file)).size);
      const out = await runSession(file, { input: toNormalizedBatch(test, extractor.normalization) });
      for (let i = 0; i < 4; i++) expect(Math.abs(out.image_scores.data[i] - scored.imageScores[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(scored.imageScores[i])));
      let err = 0;
      for (let i = 0; i < out.anomaly_maps.data.length; i++) err = Math.max(err, Math.abs(out.anomaly_maps.data[i] - scored.anomalyMaps.data[i]));
      expect(err).toBeLessThan(1e-5);
    } finally {
      await model.dispose();
    }
  });

  it('resumes from per-stage checkpoints to the same result as an uninterrupted fit', async () => {
    const { train, test } = await demo(4);
    const ckpt = path.join(dir, 'ckpt');
    const short = { ...config, metaEpochs: 2, subEpochs: 1 };
    const full = createCflow(extractor, short);
    const resumed = createCflow(extractor, short);
    try {
      const rf = await full.fit(train);
      // the learning-rate schedule depends on metaEpochs, so the interrupted run is the full config stopped after epoch 1
      const controller = new AbortController();
      await expect(
        resumed.fit(train, {
          checkpointDir: ckpt,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.phase === 'train' && p.step === undefined && p.epoch === 1) controller.abort();
          },
        }),
      ).rejects.toThrow(/abort/i);
      const rr = await resumed.fit(train, { checkpointDir: ckpt });
      expect((rr.resolvedConfig.training as { resumedFromEpoch: number }).resumedFromEpoch).toBe(1);
      expect(rr.finalLoss).toBe(rf.finalLoss);
      expect(Array.from((await resumed.score(test)).imageScores)).toEqual(Array.from((await full.score(test)).imageScores));
    } finally {
      await full.dispose();
      await resumed.dispose();
    }
  });
});
