import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDemoDataset, toNormalizedBatch } from '@defectlab/datasets';
import { createRandomConvExtractor, openSessionCount, runSession, type FeatureExtractor, type FitProgress } from '@defectlab/ml-core';
import { createFastflow, FastflowModel } from './fastflow-model';
import { parameterCountOf } from './network';

/**
 * Fit / score / save / load / export on tiny generated images with the random-weight CNN fixture
 * (taps l1: 8 ch stride 4, l2: 16 ch stride 8), so these run without the shared backbone.
 */
describe('FastflowModel (random-conv fixture, tiny demo images)', () => {
  let extractor: FeatureExtractor;
  let dir: string;
  const config = { preset: 'small' as const, layers: ['l1', 'l2'], flowSteps: 2, hiddenRatio: 1, epochs: 8, batchSize: 3, learningRate: 2e-3, seed: 1 };

  beforeAll(async () => {
    extractor = await createRandomConvExtractor(5);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fastflow-spec-'));
  });
  afterAll(async () => {
    await extractor.dispose();
    await fs.rm(dir, { recursive: true, force: true });
    expect(openSessionCount()).toBe(0);
  });

  async function demo(seed: number) {
    const d = await generateDemoDataset({ productLine: 'lens', seed, size: 64, counts: { trainGood: 6, testGood: 2, testDefective: 2 } });
    return { train: d.samples.filter((s) => s.split === 'train').map((s) => s.image), test: d.samples.filter((s) => s.split === 'test').map((s) => s.image) };
  }

  it('the NLL drops on the training images; save -> load scores identically; the ONNX export scores as in process', async () => {
    const { train, test } = await demo(3);
    const progress: FitProgress[] = [];
    const model = createFastflow(extractor, { ...config, scoreMode: 'topk', topKFraction: 0.05 });
    try {
      const report = await model.fit(train, { onProgress: (p) => progress.push(p) });
      const losses = (report.resolvedConfig.training as { epochLosses: number[] }).epochLosses;
      expect(losses).toHaveLength(8);
      expect(losses[7]).toBeLessThan(losses[0] - 1);
      expect(progress.filter((p) => p.phase === 'train' && p.step !== undefined)).toHaveLength(16);
      const shape = { stages: [{ channels: 8, height: 16, width: 16 }, { channels: 16, height: 8, width: 8 }], flowSteps: 2, hiddenRatio: 1, conv3x3Only: false, clamp: 2 };
      expect(model.sizeBytes()).toBe(parameterCountOf(shape) * 4);
      expect(report.resolvedConfig).toMatchObject({ model: 'fastflow', scoreMode: 'topk', stages: shape.stages });
      expect(report.deviations.some((d) => d.includes("image score 'topk'"))).toBe(true);

      const scored = await model.score(test);
      expect(scored.anomalyMaps.dims).toEqual([4, 1, 64, 64]);
      for (const v of scored.anomalyMaps.data) expect(v >= -1 && v <= 0).toBe(true);

      await model.save(path.join(dir, 'saved'));
      const loaded = await FastflowModel.load(path.join(dir, 'saved'), extractor);
      try {
        const again = await loaded.score(test);
        expect(Array.from(again.imageScores)).toEqual(Array.from(scored.imageScores));
        expect(Array.from(again.anomalyMaps.data)).toEqual(Array.from(scored.anomalyMaps.data));
      } finally {
        await loaded.dispose();
      }

      const file = path.join(dir, 'fastflow.onnx');
      expect(await model.exportOnnx(file)).toBe((await fs.stat(file)).size);
      const out = await runSession(file, { input: toNormalizedBatch(test, extractor.normalization) });
      for (let i = 0; i < 4; i++) expect(Math.abs(out.image_scores.data[i] - scored.imageScores[i])).toBeLessThan(1e-5);
      let err = 0;
      for (let i = 0; i < out.anomaly_maps.data.length; i++) err = Math.max(err, Math.abs(out.anomaly_maps.data[i] - scored.anomalyMaps.data[i]));
      expect(err).toBeLessThan(1e-5);
    } finally {
      await model.dispose();
    }
  });

  it('resumes from a checkpoint to the same weights as an uninterrupted fit; is deterministic', async () => {
    const { train, test } = await demo(4);
    const ckpt = path.join(dir, 'ckpt');
    const full = createFastflow(extractor, { ...config, epochs: 4 });
    const first = createFastflow(extractor, { ...config, epochs: 2 });
    const resumed = createFastflow(extractor, { ...config, epochs: 4 });
    try {
      const rf = await full.fit(train);
      await first.fit(train, { checkpointDir: ckpt });
      const rr = await resumed.fit(train, { checkpointDir: ckpt });
      expect((rr.resolvedConfig.training as { resumedFromEpoch: number }).resumedFromEpoch).toBe(2);
      expect(rr.finalLoss).toBe(rf.finalLoss);
      expect(Array.from((await resumed.score(test)).imageScores)).toEqual(Array.from((await full.score(test)).imageScores));
      // a checkpoint of another configuration is refused, not resumed into the wrong graph
      const other = createFastflow(extractor, { ...config, epochs: 4, hiddenRatio: 0.5 });
      await expect(other.fit(train, { checkpointDir: ckpt })).rejects.toThrow(/another configuration.*refusing to resume/);
      await other.dispose();
    } finally {
      await full.dispose();
      await first.dispose();
      await resumed.dispose();
    }
  });

  it('stops with an AbortError when aborted', async () => {
    const { train } = await demo(5);
    const controller = new AbortController();
    controller.abort();
    const model = createFastflow(extractor, config);
    await expect(model.fit(train, { signal: controller.signal })).rejects.toThrow(/abort/i);
    await model.dispose();
  });
});
