/**
 * Which taps (and which input normalisation) make the better multi-scale features?
 * A small nearest-neighbour probe (PatchCore-like, no coreset) on ../shared/datasets/magnetic_tile:
 * features of the chosen taps are brought to the finest tap's grid, 3x3-averaged, concatenated,
 * randomly projected to 128 dims; a test image's score is the largest distance of any of its
 * positions to the nearest position of the training images. Reports image AUROC per configuration.
 * Run: node -r @swc-node/register libs/backbones/bench/layer-choice.bench.ts [--seed N] [--only <label substring>]
 */
import * as path from 'node:path';
import { createRng, readMvtecFolder, splitDataset } from '@defectlab/datasets';
import { auroc } from '@defectlab/metrics';
import { loadBackbone, readDescriptor, SHIPPED_BACKBONES, type ShippedBackboneName } from '../src';
import { nnProbeScores } from './nn-probe';

const SHARED = path.resolve(__dirname, '..', '..', '..', '..', 'shared');
const SIZE = 160;

interface Probe {
  readonly backbone: ShippedBackboneName;
  readonly layers: readonly string[];
  readonly normalization?: { mean: [number, number, number]; std: [number, number, number] };
  readonly label: string;
}

const ZERO_ONE = { mean: [0, 0, 0] as [number, number, number], std: [1, 1, 1] as [number, number, number] };
const MINUS_ONE_ONE = { mean: [0.5, 0.5, 0.5] as [number, number, number], std: [0.5, 0.5, 0.5] as [number, number, number] };

const PROBES: Probe[] = [
  { backbone: 'resnet50v2-stage1to3', layers: ['stage2_act', 'stage3_act'], label: 'resnet50v2 stage2_act+stage3_act (reference)' },
  { backbone: 'mobilenet-v2-nsfwjs', layers: ['block_5_add', 'block_12_add'], normalization: MINUS_ONE_ONE, label: 'mnv2 [-1,1] block_5_add+block_12_add' },
  { backbone: 'mobilenet-v2-nsfwjs', layers: ['block_5_add', 'block_12_add'], normalization: ZERO_ONE, label: 'mnv2 [0,1]  block_5_add+block_12_add' },
  { backbone: 'mobilenet-v2-nsfwjs', layers: ['block_5_add', 'block_12_add', 'out_relu'], normalization: MINUS_ONE_ONE, label: 'mnv2 [-1,1] block_5_add+block_12_add+out_relu' },
  { backbone: 'mobilenet-v2-nsfwjs', layers: ['block_6_expand_relu', 'block_13_expand_relu'], normalization: MINUS_ONE_ONE, label: 'mnv2 [-1,1] block_6_expand_relu+block_13_expand_relu' },
  { backbone: 'mobilenet-v2-nsfwjs', layers: ['block_6_expand_relu', 'block_13_expand_relu'], normalization: ZERO_ONE, label: 'mnv2 [0,1]  block_6_expand_relu+block_13_expand_relu' },
  { backbone: 'mobilenet-v2-nsfwjs', layers: ['block_6_expand_relu', 'block_10_expand_relu'], normalization: MINUS_ONE_ONE, label: 'mnv2 [-1,1] block_6_expand_relu+block_10_expand_relu (frozen ImageNet part only)' },
  { backbone: 'mobilenet-v2-nsfwjs', layers: ['block_2_add', 'block_5_add', 'block_9_add'], normalization: MINUS_ONE_ONE, label: 'mnv2 [-1,1] block_2_add+block_5_add+block_9_add' },
  { backbone: 'mobilenet-v2-nsfwjs', layers: ['block_5_add', 'block_12_add', 'out_relu'], normalization: ZERO_ONE, label: 'mnv2 [0,1]  block_5_add+block_12_add+out_relu' },
  { backbone: 'mobilenet-v2-nsfwjs', layers: ['block_5_add', 'block_9_add'], normalization: ZERO_ONE, label: 'mnv2 [0,1]  block_5_add+block_9_add' },
  { backbone: 'mobilenet-v2-nsfwjs', layers: ['block_2_add', 'block_5_add', 'block_12_add'], normalization: ZERO_ONE, label: 'mnv2 [0,1]  block_2_add+block_5_add+block_12_add' },
];

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const seed = Number(arg('--seed') ?? 0);
  const only = arg('--only');
  const recs = await readMvtecFolder(path.join(SHARED, 'datasets', 'magnetic_tile'));
  const split = splitDataset(recs, { seed: 0, validationFractionGood: 0, validationFractionDefective: 0 });
  const rng = createRng(seed);
  const pick = <T>(xs: T[], k: number) => [...xs].sort(() => rng.next() - 0.5).slice(0, k);
  const train = pick(split.train, 80).map((r) => r.path);
  const testRecs = [...pick(split.test.filter((r) => r.label === 'good'), 60), ...pick(split.test.filter((r) => r.label === 'defective'), 120)];
  const labels = testRecs.map((r) => (r.label === 'defective' ? 1 : 0));
  console.log(`magnetic_tile probe: ${train.length} train good, ${labels.length - labels.reduce((a: number, b) => a + b, 0)} test good, ${labels.reduce((a: number, b) => a + b, 0)} test defective, input ${SIZE}x${SIZE}, seed ${seed}`);
  for (const p of PROBES.filter((x) => !only || x.label.includes(only))) {
    const located = await readDescriptor(SHIPPED_BACKBONES[p.backbone]);
    const d = { ...located.descriptor, input: { ...located.descriptor.input, normalization: p.normalization ?? located.descriptor.input.normalization } };
    let fx;
    try {
      fx = await loadBackbone(d, { baseDir: located.baseDir });
    } catch (e) {
      console.log(`${p.label}: skipped (${(e as Error).message})`);
      continue;
    }
    try {
      const t0 = performance.now();
      const scores = await nnProbeScores(fx, p.layers, train, testRecs.map((r) => r.path), SIZE);
      console.log(`${p.label}: image AUROC ${auroc(scores, labels)?.toFixed(3)}  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    } finally {
      await fx.dispose();
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
