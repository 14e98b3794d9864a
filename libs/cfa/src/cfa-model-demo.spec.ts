import { loadBackbone, SHIPPED_BACKBONES } from '@defectlab/backbones';
import { generateDemoDataset } from '@defectlab/datasets';
import { openSessionCount } from '@defectlab/ml-core';
import { auroc } from '@defectlab/metrics';
import { createCfa } from './cfa-model';
import { describeIfPresent, RESNET_ONNX } from './testing/shared-data';

/**
 * The smt product line is left out on purpose: its missing/shifted parts are logical anomalies that
 * CFA's small preset did not separate in our runs (image AUROC 0.71 at 128 px / 16 images, 0.51 at
 * 192 px / 24 images with 3 epochs); see the README.
 */
describeIfPresent(RESNET_ONNX)('CFA on generated demo images with the shared ResNet-50 v2', () => {
  let backbone: Awaited<ReturnType<typeof loadBackbone>>;
  beforeAll(async () => {
    backbone = await loadBackbone(SHIPPED_BACKBONES['resnet50v2-stage1to3']);
  });
  afterAll(async () => {
    await backbone.dispose();
    expect(openSessionCount()).toBe(0);
  });

  it.each(['lens', 'flex'] as const)('separates normal and defective %s images (image AUROC > 0.95, small preset, 128 px, 16 train)', async (productLine) => {
    const demo = await generateDemoDataset({ productLine, seed: 7, size: 128, counts: { trainGood: 16, testGood: 12, testDefective: 12 } });
    const train = demo.samples.filter((s) => s.split === 'train').map((s) => s.image);
    const test = demo.samples.filter((s) => s.split === 'test');
    const model = await createCfa(backbone, { preset: 'small', seed: 1 });
    try {
      await model.fit(train);
      const { imageScores } = await model.score(test.map((s) => s.image));
      const value = auroc(imageScores, test.map((s) => (s.label === 'defective' ? 1 : 0)));
      console.log(`cfa demo ${productLine}: image AUROC ${value?.toFixed(3)}`);
      expect(value).toBeGreaterThan(0.95);
    } finally {
      await model.dispose();
    }
  }, 1_200_000); // 250-290 s each with the machine under load (2 busy loops, load average ~15-20)
});
