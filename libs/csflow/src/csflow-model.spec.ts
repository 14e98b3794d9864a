import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDemoDataset } from '@defectlab/datasets';
import { loadBackbone, SHIPPED_BACKBONES, type OnnxFeatureExtractor } from '@defectlab/backbones';
import { auroc } from '@defectlab/metrics';
import { openSessionCount, runSession } from '@defectlab/ml-core';
import { normalizedBatchAt } from './features';
import { CsFlowModel } from './csflow-model';

const SHARED = path.resolve(__dirname, '..', '..', '..', '..', 'shared');
const RESNET = path.join(SHARED, 'backbones', 'resnet50v2-stage1to3', 'resnet50v2_stage1to3.onnx');
const d = fs.existsSync(RESNET) ? describe : describe.skip;
if (!fs.existsSync(RESNET)) console.warn(`skipping CS-Flow end-to-end tests: ${RESNET} is absent (place the repository beside ../shared)`);

d('CsFlowModel end to end (demo data, ResNet-50 v2 backbone)', () => {
  let extractor: OnnxFeatureExtractor;
  beforeAll(async () => {
    extractor = await loadBackbone(SHIPPED_BACKBONES['resnet50v2-stage1to3']);
  });
  afterAll(async () => {
    await extractor.dispose();
  });

  it('the small preset separates good and defective demo lens images (image AUROC > 0.95); save/load and export agree', async () => {
    const ds = await generateDemoDataset({ productLine: 'lens', size: 128, seed: 0 });
    const train = ds.samples.filter((s) => s.split === 'train').map((s) => s.image);
    const test = ds.samples.filter((s) => s.split === 'test');
    const labels = test.map((s) => (s.label === 'good' ? 0 : 1));
    const sessions = openSessionCount();
    const model = new CsFlowModel(extractor, { preset: 'small', seed: 0 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csflow-model-'));
    try {
      const phases = new Set<string>();
      const report = await model.fit(train, { onProgress: (p) => phases.add(p.phase) });
      expect([...phases].sort()).toEqual(['features', 'train']);
      expect(report.backend).toMatch(/^onnxruntime-node .*\(cpu, \d+ threads?\)$/);
      expect(report.engine).toMatchObject({ executionProvider: 'cpu' });
      expect(report.deviations.length).toBeGreaterThan(0);
      expect(report.resolvedConfig).toMatchObject({ preset: 'small', featureLayer: 'stage2_act', flowChannels: 16 });
      expect(report.finalLoss).toBeLessThan(0.4); // identity flow on unit-variance features starts near 0.5

      const scored = await model.score(test.map((s) => s.image));
      expect(scored.anomalyMaps.dims).toEqual([test.length, 1, 128, 128]);
      const a = auroc(scored.imageScores, labels);
      console.log(`csflow small preset, demo lens: image AUROC ${a}`);
      // 0.96 on TF.js with its biased upsampling gradient, 0.950 on the ONNX engine with Lanczos-resized scales, 0.9575 with the 2x2-averaged scales (the bar of issue 5: > 0.95)
      expect(a).toBeGreaterThan(0.95);

      // the exported forward graph scores pre-extracted features like score() does
      const feats = await model.extract(test.slice(0, 4).map((s) => s.image));
      const viaOnnx = (await model.scoreFeaturesOnnx(feats)).imageScores;
      viaOnnx.forEach((v, i) => expect(Math.abs(v - scored.imageScores[i]) / Math.abs(v)).toBeLessThan(1e-5));

      // save -> load reproduces the scores; exportOnnx writes the graph it scores with.
      await model.save(dir);
      const loaded = await CsFlowModel.load(dir, extractor);
      try {
        const again = await loaded.score(test.slice(0, 4).map((s) => s.image));
        again.imageScores.forEach((v, i) => expect(Math.abs(v - scored.imageScores[i]) / Math.abs(v)).toBeLessThan(1e-5));
      } finally {
        await loaded.dispose();
      }
      // exportOnnx writes backbone + scale pyramid + flow as one graph on the normalised batch; it scores as score() does.
      const file = path.join(dir, 'csflow.onnx');
      const bytes = await model.exportOnnx(file);
      expect(bytes).toBe(fs.statSync(file).size);
      expect(bytes).toBeGreaterThan(model.sizeBytes() + 20e6); // the ResNet stages are inside
      const images = test.slice(0, 4).map((s) => s.image);
      const exported = await runSession(file, { input: await normalizedBatchAt(images, 128, extractor.normalization) });
      expect(exported.anomaly_maps.dims).toEqual([4, 1, 128, 128]);
      exported.image_scores.data.forEach((v, i) => expect(Math.abs(v - viaOnnx[i]) / Math.abs(viaOnnx[i])).toBeLessThan(1e-4));
    } finally {
      await model.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(openSessionCount()).toBe(sessions);
  }, 1_800_000); // about 9 min with the machine under load (2 busy loops, load average 22)
});
