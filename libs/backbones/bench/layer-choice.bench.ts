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
import { createSession, OnnxGraphBuilder, type Tensor } from '@defectlab/ml-core';
import { extractFeatures, loadBackbone, readDescriptor, SHIPPED_BACKBONES, type ShippedBackboneName } from '../src';

const SHARED = path.resolve(__dirname, '..', '..', '..', '..', 'shared');
const SIZE = 160;
const DIM = 128;
const BANK = 8000;

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

/** [N, C, h, w] maps of several strides -> [N, P, D] rows on the finest grid (nearest upsampling, 3x3 mean). */
function embed(maps: Tensor[], proj: Float32Array[]): { rows: Float32Array; perImage: number } {
  const [n, , H, W] = maps[0].dims;
  const rows = new Float32Array(n * H * W * DIM);
  for (let m = 0; m < maps.length; m++) {
    const [, c, h, w] = maps[m].dims;
    const P = proj[m];
    for (let b = 0; b < n; b++) {
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const sy = Math.min(h - 1, Math.floor((y * h) / H));
          const sx = Math.min(w - 1, Math.floor((x * w) / W));
          const out = ((b * H + y) * W + x) * DIM;
          for (let k = 0; k < c; k++) {
            // 3x3 local mean at the source resolution
            let s = 0;
            let cnt = 0;
            for (let dy = -1; dy <= 1; dy++)
              for (let dx = -1; dx <= 1; dx++) {
                const yy = sy + dy;
                const xx = sx + dx;
                if (yy < 0 || xx < 0 || yy >= h || xx >= w) continue;
                s += maps[m].data[((b * c + k) * h + yy) * w + xx];
                cnt++;
              }
            const v = s / cnt;
            for (let d = 0; d < DIM; d++) rows[out + d] += v * P[k * DIM + d];
          }
        }
      }
    }
  }
  return { rows, perImage: H * W };
}

/** ORT graph: for each query row, the squared distance to its nearest bank row. */
async function nearestDistances(bank: Float32Array, queries: Float32Array): Promise<Float32Array> {
  const m = bank.length / DIM;
  const g = new OnnxGraphBuilder();
  const q = g.input('q', ['Q', DIM]);
  const b = g.initializer('bank_t', transpose(bank, m, DIM), [DIM, m]);
  const bb = new Float32Array(m);
  for (let i = 0; i < m; i++) for (let d = 0; d < DIM; d++) bb[i] += bank[i * DIM + d] ** 2;
  const qq = g.reduceSum(g.mul(q, q), [1]);
  const dist = g.add(g.sub(qq, g.mul(g.matMul(q, b), g.constFloat(2, []))), g.initializer('bb', bb, [1, m]));
  g.output(g.reduceMin(dist, [1], false), 'd');
  const s = await createSession(g.toBytes());
  try {
    const out = new Float32Array(queries.length / DIM);
    const chunk = 2048;
    for (let start = 0; start < out.length; start += chunk) {
      const rows = Math.min(chunk, out.length - start);
      const r = await s.run({ q: { data: queries.slice(start * DIM, (start + rows) * DIM), dims: [rows, DIM] } });
      out.set(r.d.data, start);
    }
    return out;
  } finally {
    await s.release();
  }
}

function transpose(a: Float32Array, r: number, c: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = a[i * c + j];
  return t;
}

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const seed = Number(arg('--seed') ?? 0);
  const only = arg('--only');
  const recs = await readMvtecFolder(path.join(SHARED, 'datasets', 'magnetic_tile'));
  const split = splitDataset(recs, { seed: 0, validationFractionGood: 0 });
  const rng = createRng(seed);
  const pick = <T>(xs: T[], k: number) => [...xs].sort(() => rng.next() - 0.5).slice(0, k);
  const train = pick(split.train, 80).map((r) => r.path);
  const testRecs = [...pick(split.test.filter((r) => r.label === 'good'), 60), ...pick(split.test.filter((r) => r.label === 'defective'), 120)];
  const labels = testRecs.map((r) => (r.label === 'defective' ? 1 : 0));
  console.log(`magnetic_tile probe: ${train.length} train good, ${labels.length - labels.reduce((a: number, b) => a + b, 0)} test good, ${labels.reduce((a: number, b) => a + b, 0)} test defective, input ${SIZE}x${SIZE}, seed ${seed}`);
  const preprocess = { width: SIZE, height: SIZE, mode: 'stretch' as const, centerCrop: null };
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
      const prng = createRng(42);
      const proj = p.layers.map((l) => {
        const c = d.layers.find((x) => x.name === l)?.channels ?? 0;
        return Float32Array.from({ length: c * DIM }, () => prng.normal() / Math.sqrt(DIM));
      });
      const tr = await extractFeatures(fx, train, { preprocess, layers: p.layers });
      const te = await extractFeatures(fx, testRecs.map((r) => r.path), { preprocess, layers: p.layers });
      const trainRows = embed(p.layers.map((l) => tr.features[l]), proj).rows;
      const bankIdx = Array.from({ length: trainRows.length / DIM }, (_, i) => i).sort(() => prng.next() - 0.5).slice(0, BANK);
      const bank = new Float32Array(bankIdx.length * DIM);
      bankIdx.forEach((r, i) => bank.set(trainRows.subarray(r * DIM, (r + 1) * DIM), i * DIM));
      const { rows, perImage } = embed(p.layers.map((l) => te.features[l]), proj);
      const dist = await nearestDistances(bank, rows);
      const scores = labels.map((_, i) => Math.max(...dist.subarray(i * perImage, (i + 1) * perImage)));
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
