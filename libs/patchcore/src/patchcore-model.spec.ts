import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDemoDataset, toNormalizedBatch } from '@defectlab/datasets';
import { createRandomConvExtractor, openSessionCount, runSession, type FeatureExtractor, type FitProgress } from '@defectlab/ml-core';
import { createPatchcore, PatchcoreModel } from './patchcore-model';

/**
 * Fit/score/save/load/export on tiny generated images with a random-weight CNN fixture, so these
 * run everywhere; the pretrained-backbone separation test lives in model-demo.spec.ts.
 */
describe('PatchcoreModel (random-conv fixture, tiny demo images)', () => {
  let extractor: FeatureExtractor;
  let dir: string;
  const config = { preset: 'small' as const, layers: ['l2', 'l3'], preprocessingDim: 32, targetDim: 16, coresetRatio: 0.1, coresetProjectionDim: 8, numNeighbors: 3, seed: 1 };

  beforeAll(async () => {
    extractor = await createRandomConvExtractor(3);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'patchcore-spec-'));
  });
  afterAll(async () => {
    await extractor.dispose();
    await fs.rm(dir, { recursive: true, force: true });
    expect(openSessionCount()).toBe(0);
  });

  it('fits, scores, reports progress, saves, loads and exports a graph that matches score()', async () => {
    const demo = await generateDemoDataset({ productLine: 'lens', seed: 2, size: 64, counts: { trainGood: 6, testGood: 2, testDefective: 2 } });
    const train = demo.samples.filter((s) => s.split === 'train').map((s) => s.image);
    const test = demo.samples.filter((s) => s.split === 'test').map((s) => s.image);
    const progress: FitProgress[] = [];
    const model = await createPatchcore(extractor, config);
    try {
      const report = await model.fit(train, { onProgress: (p) => progress.push(p) });
      expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['features', 'coreset', 'memory-bank']));
      // 64x64 input, stride 8 -> 8x8 grid, 6 images -> 384 patches, 10 % -> 38 rows of 16 dims
      expect(model.memoryBank?.size).toBe(38);
      expect(model.sizeBytes()).toBe(38 * 16 * 4);
      expect(report.resolvedConfig).toMatchObject({ model: 'patchcore', coresetRatio: 0.1, knnEngine: 'onnxruntime', memoryBank: { size: 38, dim: 16 } });
      expect(report.deviations.length).toBeGreaterThan(3);

      const scored = await model.score(test);
      expect(scored.imageScores.length).toBe(4);
      expect(scored.anomalyMaps.dims).toEqual([4, 1, 64, 64]);
      // a training image is close to the bank: lower score than test images on average is not guaranteed,
      // but every score is a finite, non-negative distance
      for (const s of scored.imageScores) expect(Number.isFinite(s) && s >= 0).toBe(true);

      await model.save(path.join(dir, 'saved'));
      const loaded = await PatchcoreModel.load(path.join(dir, 'saved'), extractor);
      try {
        const again = await loaded.score(test);
        expect(Array.from(again.imageScores)).toEqual(Array.from(scored.imageScores));
      } finally {
        await loaded.dispose();
      }

      const file = path.join(dir, 'patchcore.onnx');
      const bytes = await model.exportOnnx(file);
      expect((await fs.stat(file)).size).toBe(bytes);
      const out = await runSession(file, { input: toNormalizedBatch(test, extractor.normalization) });
      expect(out.anomaly_maps.dims).toEqual([4, 1, 64, 64]);
      for (let i = 0; i < 4; i++) expect(out.image_scores.data[i]).toBeCloseTo(scored.imageScores[i], 4);
      let mapErr = 0;
      for (let i = 0; i < out.anomaly_maps.data.length; i++) mapErr = Math.max(mapErr, Math.abs(out.anomaly_maps.data[i] - scored.anomalyMaps.data[i]));
      expect(mapErr).toBeLessThan(1e-4);
    } finally {
      await model.dispose();
    }
  });

  it('gives the same memory bank for the same seed, and the JS kNN engine the same scores', async () => {
    const demo = await generateDemoDataset({ productLine: 'flex', seed: 4, size: 64, counts: { trainGood: 4, testGood: 1, testDefective: 1 } });
    const train = demo.samples.filter((s) => s.split === 'train').map((s) => s.image);
    const test = demo.samples.filter((s) => s.split === 'test').map((s) => s.image);
    const a = await createPatchcore(extractor, config);
    const b = await createPatchcore(extractor, { ...config, knnEngine: 'js' });
    try {
      await a.fit(train);
      await b.fit(train);
      expect(Array.from(b.memoryBank?.data ?? [])).toEqual(Array.from(a.memoryBank?.data ?? []));
      const sa = await a.score(test);
      const sb = await b.score(test);
      for (let i = 0; i < 2; i++) expect(sb.imageScores[i]).toBeCloseTo(sa.imageScores[i], 4);
    } finally {
      await a.dispose();
      await b.dispose();
    }
  });

  it('stops fitting with an AbortError when the signal is aborted, and rejects unknown layers', async () => {
    const demo = await generateDemoDataset({ productLine: 'smt', seed: 5, size: 64, counts: { trainGood: 2, testGood: 0, testDefective: 0 } });
    const controller = new AbortController();
    controller.abort();
    const model = await createPatchcore(extractor, config);
    try {
      await expect(model.fit(demo.samples.map((s) => s.image), { signal: controller.signal })).rejects.toThrow(/abort/i);
    } finally {
      await model.dispose();
    }
    await expect(createPatchcore(extractor, { ...config, layers: ['nope'] })).rejects.toThrow(/no layer "nope"/);
  });
});
