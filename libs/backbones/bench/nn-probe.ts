/**
 * A small nearest-neighbour anomaly probe (PatchCore-like, no coreset) used by the bench scripts to compare
 * features: taps are brought to the finest tap's grid (nearest upsampling of a 3x3 local mean), randomly
 * projected to 128 dims and summed over taps; a test image's score is the largest squared distance of any
 * of its positions to the nearest of (at most 8000 sampled) training positions. Not a model: a ruler.
 */
import { createRng } from '@defectlab/datasets';
import { createSession, OnnxGraphBuilder, type FeatureExtractor, type Tensor } from '@defectlab/ml-core';
import { extractFeatures, type ImageSource } from '../src';

const DIM = 128;
const BANK = 8000;

/**
 * Scores test images against training images with the probe described above.
 * @returns one score per test image (higher = more anomalous).
 */
export async function nnProbeScores(
  fx: FeatureExtractor,
  layers: readonly string[],
  train: readonly ImageSource[],
  test: readonly ImageSource[],
  size: number,
  seed = 42,
): Promise<number[]> {
  const preprocess = { width: size, height: size, mode: 'stretch' as const, centerCrop: null };
  const prng = createRng(seed);
  const proj = layers.map((l) => {
    const c = fx.layers.find((x) => x.name === l)?.channels ?? 0;
    return Float32Array.from({ length: c * DIM }, () => prng.normal() / Math.sqrt(DIM));
  });
  const tr = await extractFeatures(fx, train, { preprocess, layers });
  const te = await extractFeatures(fx, test, { preprocess, layers });
  const trainRows = embed(layers.map((l) => tr.features[l]), proj).rows;
  const bankIdx = Array.from({ length: trainRows.length / DIM }, (_, i) => i)
    .sort(() => prng.next() - 0.5)
    .slice(0, BANK);
  const bank = new Float32Array(bankIdx.length * DIM);
  bankIdx.forEach((r, i) => bank.set(trainRows.subarray(r * DIM, (r + 1) * DIM), i * DIM));
  const { rows, perImage } = embed(layers.map((l) => te.features[l]), proj);
  const dist = await nearestDistances(bank, rows);
  return test.map((_, i) => Math.max(...dist.subarray(i * perImage, (i + 1) * perImage)));
}

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

