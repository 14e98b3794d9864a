/**
 * Every registered model through the one AnomalyModel interface: fit -> score -> save -> load -> score (the
 * same scores) -> exportOnnx -> score the export with onnxruntime (the same scores), on tiny generated images
 * with the random-weight CNN fixture of libs/ml-core, so it runs everywhere.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDemoDataset, toNormalizedBatch } from '@defectlab/datasets';
import { createRandomConvExtractor, runSession, type DecodedImage, type FeatureExtractor } from '@defectlab/ml-core';
import { modelEntry, registeredKinds, resolveUserConfig } from './model-registry';

/** The smallest settings each model trains with in seconds on 64 px images (on top of its `small` preset). */
const TINY: Record<string, Record<string, unknown>> = {
  csflow: { preset: 'small', epochs: 1, featureChannels: 8, hiddenChannels: 8, blocks: 1, inputSize: 64 },
  patchcore: { preset: 'small', preprocessingDim: 32, targetDim: 16, coresetProjectionDim: 8, numNeighbors: 3, inputSize: 64 },
  cfa: { preset: 'small', epochs: 1, inputSize: 64 },
  fastflow: { preset: 'small', epochs: 1, flowSteps: 2, hiddenRatio: 0.5, inputSize: 64 },
  cflow: { preset: 'small', metaEpochs: 1, subEpochs: 1, couplingBlocks: 2, conditionDim: 16, fiberBatchSize: 64, inputSize: 64 },
};

let extractor: FeatureExtractor;
let dir: string;
let train: DecodedImage[];
let test: DecodedImage[];

beforeAll(async () => {
  extractor = await createRandomConvExtractor(7);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'registry-roundtrip-'));
  const demo = await generateDemoDataset({ productLine: 'lens', seed: 3, size: 64, counts: { trainGood: 6, testGood: 2, testDefective: 2 } });
  train = demo.samples.filter((s) => s.split === 'train').map((s) => s.image);
  test = demo.samples.filter((s) => s.split === 'test').map((s) => s.image);
}, 120_000);

afterAll(async () => {
  await extractor.dispose();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('every registered model', () => {
  it('has tiny settings here', () => {
    expect(registeredKinds().filter((k) => !TINY[k])).toEqual([]);
  });

  for (const kind of registeredKinds()) {
    it(`${kind}: fit -> score -> save -> load -> score -> export -> score the export, all agreeing`, async () => {
      const entry = modelEntry(kind);
      const { config } = entry.bindToBackbone(resolveUserConfig(kind, TINY[kind], 1), extractor);
      const model = await entry.create(extractor, config);
      try {
        const report = await model.fit(train, {});
        expect(report.deviations.length).toBeGreaterThan(0);
        const scored = await model.score(test);
        expect(scored.imageScores.length).toBe(test.length);
        expect(scored.anomalyMaps.dims).toEqual([test.length, 1, 64, 64]);
        scored.imageScores.forEach((s) => expect(Number.isFinite(s)).toBe(true));

        const saved = path.join(dir, kind);
        await model.save(saved);
        const loaded = await entry.load(saved, extractor);
        try {
          const again = await loaded.score(test);
          again.imageScores.forEach((v, i) => expect(Math.abs(v - scored.imageScores[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v))));
        } finally {
          await loaded.dispose();
        }

        const file = path.join(dir, `${kind}.onnx`);
        expect(await model.exportOnnx(file)).toBe((await fs.stat(file)).size);
        const out = await runSession(file, { input: toNormalizedBatch(test, extractor.normalization) });
        expect(out.anomaly_maps.dims).toEqual([test.length, 1, 64, 64]);
        for (let i = 0; i < test.length; i++) expect(Math.abs(out.image_scores.data[i] - scored.imageScores[i])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(scored.imageScores[i])));
      } finally {
        await model.dispose();
      }
    }, 300_000);
  }
});
