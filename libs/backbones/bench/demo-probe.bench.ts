/**
 * How hard is the synthetic demo data for pretrained features? For each product line, the nearest-neighbour
 * probe (nn-probe.ts) on the default backbone's PatchCore taps; image AUROC per defect type.
 * Run: node -r @swc-node/register libs/backbones/bench/demo-probe.bench.ts [--size 256] [--backbone <name>] [--subtle 0.5]
 */
import { generateDemoDataset, PRODUCT_LINES } from '@defectlab/datasets';
import { auroc } from '@defectlab/metrics';
import { DEFAULT_BACKBONE, loadBackbone, SHIPPED_BACKBONES, type ShippedBackboneName } from '../src';
import { nnProbeScores } from './nn-probe';

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const size = Number(arg('--size') ?? 256);
  const name = (arg('--backbone') ?? DEFAULT_BACKBONE) as ShippedBackboneName;
  const subtleFraction = Number(arg('--subtle') ?? 0);
  const fx = await loadBackbone(SHIPPED_BACKBONES[name]);
  try {
    const byStride = (s: number) => fx.layers.find((l) => l.stride === s)?.name;
    const layers = name === 'mobilenet-v2-nsfwjs' ? ['block_5_add', 'block_12_add'] : [byStride(8), byStride(16)].filter((l): l is string => Boolean(l));
    for (const productLine of PRODUCT_LINES) {
      const t0 = performance.now();
      const ds = await generateDemoDataset({ productLine, seed: 0, counts: { trainGood: 40, testGood: 30, testDefective: 60 }, size, subtleFraction });
      const genSeconds = (performance.now() - t0) / 1000;
      const train = ds.samples.filter((s) => s.split === 'train').map((s) => s.image);
      const test = ds.samples.filter((s) => s.split === 'test');
      const scores = await nnProbeScores(fx, layers, train, test.map((s) => s.image), size);
      const labels = test.map((s) => (s.label === 'defective' ? 1 : 0));
      const perType = [...new Set(test.filter((s) => s.label === 'defective').map((s) => s.defectType))].map((t) => {
        const idx = test.map((s, i) => (s.defectType === t || s.label === 'good' ? i : -1)).filter((i) => i >= 0);
        return `${t} ${auroc(idx.map((i) => scores[i]), idx.map((i) => labels[i]))?.toFixed(3)}`;
      });
      console.log(
        `${productLine} (${size}px, subtle ${subtleFraction}, ${name} ${layers.join('+')}): image AUROC ${auroc(scores, labels)?.toFixed(3)} | ${perType.join(', ')} | generated ${ds.samples.length} images in ${genSeconds.toFixed(1)} s`,
      );
    }
  } finally {
    await fx.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
