import { loadBackbone, SHIPPED_BACKBONES } from '@defectlab/backbones';
import { generateDemoDataset } from '@defectlab/datasets';
import { openSessionCount } from '@defectlab/ml-core';
import { auroc } from '@defectlab/metrics';
import { createPatchcore } from './patchcore-model';
import { describeIfPresent, RESNET_ONNX } from './testing/shared-data';

describeIfPresent(RESNET_ONNX)('PatchCore on generated demo images with the shared ResNet-50 v2', () => {
  let backbone: Awaited<ReturnType<typeof loadBackbone>>;
  beforeAll(async () => {
    backbone = await loadBackbone(SHIPPED_BACKBONES['resnet50v2-stage1to3']);
  });
  afterAll(async () => {
    await backbone.dispose();
    expect(openSessionCount()).toBe(0);
  });

  // smt needs finer detail and more training boards (missing/shifted parts are small): 192 px, 24 images
  it.each([
    ['lens', 128, 16],
    ['flex', 128, 16],
    ['smt', 192, 24],
  ] as const)('separates normal and defective %s images (image AUROC > 0.95, small preset, %i px, %i train)', async (productLine, size, trainGood) => {
    const demo = await generateDemoDataset({ productLine, seed: 7, size, counts: { trainGood, testGood: 12, testDefective: 12 } });
    const train = demo.samples.filter((s) => s.split === 'train').map((s) => s.image);
    const test = demo.samples.filter((s) => s.split === 'test');
    const model = await createPatchcore(backbone, { preset: 'small', seed: 1 });
    try {
      await model.fit(train);
      const { imageScores } = await model.score(test.map((s) => s.image));
      const value = auroc(imageScores, test.map((s) => (s.label === 'defective' ? 1 : 0)));
      console.log(`patchcore demo ${productLine}: image AUROC ${value?.toFixed(3)}`);
      expect(value).toBeGreaterThan(0.95);
    } finally {
      await model.dispose();
    }
  }, 600_000); // over 60 s with the machine under load (2 busy loops, load average ~17)
});
