import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDemoDataset, toNormalizedBatch } from '@defectlab/datasets';
import { createRandomConvExtractor, openSessionCount, runSession, type FeatureExtractor, type FitProgress } from '@defectlab/ml-core';
import { createCfa, CfaModel } from './cfa-model';

/**
 * Fit/score/save/load/export on tiny generated images with a random-weight CNN fixture, so these run
 * everywhere; the pretrained-backbone separation test lives in model-demo.spec.ts.
 */
describe('CfaModel (random-conv fixture, tiny demo images)', () => {
  let extractor: FeatureExtractor;
  let dir: string;
  const config = { preset: 'small' as const, layers: ['l1', 'l2', 'l3'], gammaD: 4, gammaC: 4, epochs: 6, batchSize: 2, seed: 1 };

  beforeAll(async () => {
    extractor = await createRandomConvExtractor(5);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cfa-spec-'));
  });
  afterAll(async () => {
    await extractor.dispose();
    await fs.rm(dir, { recursive: true, force: true });
    expect(openSessionCount()).toBe(0);
  });

  it('the soft-boundary loss decreases on the training features; score, save, load and export agree; no session left open', async () => {
    const sessionsBefore = openSessionCount();
    const demo = await generateDemoDataset({ productLine: 'lens', seed: 3, size: 64, counts: { trainGood: 6, testGood: 2, testDefective: 2 } });
    const train = demo.samples.filter((s) => s.split === 'train').map((s) => s.image);
    const test = demo.samples.filter((s) => s.split === 'test').map((s) => s.image);
    const progress: FitProgress[] = [];
    const model = await createCfa(extractor, config);
    try {
      const report = await model.fit(train, { onProgress: (p) => progress.push(p) });
      const training = report.resolvedConfig.training as { trainLosses: number[]; epochsRun: number };
      expect(training.epochsRun).toBe(6);
      expect(training.trainLosses[5]).toBeLessThan(training.trainLosses[0]);
      expect(report.finalLoss).toBe(training.trainLosses[5]);
      expect(progress.filter((p) => p.phase === 'train' && p.loss !== undefined).length).toBeGreaterThanOrEqual(18);
      // 64 px, stride 4 -> 16x16 grid = 256 positions / gammaC 4 = 64 centres; 8+16+32 = 56 channels / gammaD 4 = 14
      expect(report.resolvedConfig).toMatchObject({ model: 'cfa', memoryBank: { size: 64, dim: 14 }, featureGrid: [16, 16] });
      expect(model.sizeBytes()).toBe((56 * 14 + 2 * 14 + 14 + 64 * 14) * 4);

      const scored = await model.score(test);
      expect(scored.anomalyMaps.dims).toEqual([4, 1, 64, 64]);
      for (let i = 0; i < 4; i++) {
        const plane = scored.anomalyMaps.data.subarray(i * 4096, (i + 1) * 4096);
        expect(scored.imageScores[i]).toBe(plane.reduce((m, v) => Math.max(m, v), -Infinity));
      }

      await model.save(path.join(dir, 'saved'));
      const loaded = await CfaModel.load(path.join(dir, 'saved'), extractor);
      try {
        expect(Array.from((await loaded.score(test)).imageScores)).toEqual(Array.from(scored.imageScores));
      } finally {
        await loaded.dispose();
      }

      const file = path.join(dir, 'cfa.onnx');
      expect(await model.exportOnnx(file)).toBe((await fs.stat(file)).size);
      const out = await runSession(file, { input: toNormalizedBatch(test, extractor.normalization) });
      for (let i = 0; i < 4; i++) expect(Math.abs(out.image_scores.data[i] - scored.imageScores[i]) / scored.imageScores[i]).toBeLessThan(1e-4);
      let err = 0;
      for (let i = 0; i < out.anomaly_maps.data.length; i++) err = Math.max(err, Math.abs(out.anomaly_maps.data[i] - scored.anomalyMaps.data[i]) / (1e-6 + scored.imageScores[Math.floor(i / 4096)]));
      expect(err).toBeLessThan(1e-4);
    } finally {
      await model.dispose();
    }
    expect(openSessionCount()).toBe(sessionsBefore);
  });

  it('keeps the epoch of lowest validation loss (good images only) and stops early with patience; is deterministic', async () => {
    const demo = await generateDemoDataset({ productLine: 'flex', seed: 4, size: 64, counts: { trainGood: 6, testGood: 2, testDefective: 1 } });
    const train = demo.samples.filter((s) => s.split === 'train').map((s) => s.image);
    const labelled = demo.samples.filter((s) => s.split === 'test').map((s) => ({ image: s.image, defective: s.label !== 'good' }));
    expect(labelled.filter((v) => v.defective)).toHaveLength(1);
    const validation = labelled.filter((v) => !v.defective).map((v) => v.image);
    const a = await createCfa(extractor, { ...config, epochs: 4, patience: 1 });
    const b = await createCfa(extractor, { ...config, epochs: 4, patience: 1 });
    try {
      // a sees the defective validation image too; its loss (a model of normal images) must leave it out, so
      // both fits record the same losses and keep the same epoch
      const ra = await a.fit(train, { validation: labelled });
      const rb = await b.fit(train, { validation: labelled.filter((v) => !v.defective) });
      const t = ra.resolvedConfig.training as { validationLosses: number[]; keptEpoch: number; epochsRun: number };
      expect(t.validationLosses.length).toBe(t.epochsRun);
      expect(t.validationLosses[t.keptEpoch - 1]).toBe(Math.min(...t.validationLosses));
      expect(rb.resolvedConfig.training).toEqual(ra.resolvedConfig.training);
      expect(Array.from((await b.score(validation)).imageScores)).toEqual(Array.from((await a.score(validation)).imageScores));
    } finally {
      await a.dispose();
      await b.dispose();
    }
  });

  it('stops with an AbortError when aborted', async () => {
    const demo = await generateDemoDataset({ productLine: 'smt', seed: 5, size: 64, counts: { trainGood: 2, testGood: 0, testDefective: 0 } });
    const controller = new AbortController();
    controller.abort();
    const model = await createCfa(extractor, config);
    try {
      await expect(model.fit(demo.samples.map((s) => s.image), { signal: controller.signal })).rejects.toThrow(/abort/i);
    } finally {
      await model.dispose();
    }
  });
});
