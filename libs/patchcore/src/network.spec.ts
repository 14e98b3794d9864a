import { resizeBilinear, runSession, SeededRandom, type Tensor } from '@defectlab/ml-core';
import { buildFeatureHeadGraph } from './network';
import { patchcoreProjection } from './projection';

/** 3x3 mean with zero padding counted (the reference's zero-padded unfold + mean). */
function avg3x3(t: Tensor): Tensor {
  const [n, c, h, w] = t.dims;
  const out = new Float32Array(t.data.length);
  for (let p = 0; p < n * c; p++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy, xx = x + dx;
            if (yy >= 0 && yy < h && xx >= 0 && xx < w) s += t.data[(p * h + yy) * w + xx];
          }
        out[(p * h + y) * w + x] = s / 9;
      }
  return { data: out, dims: t.dims };
}

describe('PatchCore feature head graph', () => {
  it('equals 3x3 averaging, bilinear alignment, concatenation and the projection done by hand', async () => {
    const rng = new SeededRandom(1);
    const l2 = { data: rng.normalArray(2 * 4 * 6 * 6), dims: [2, 4, 6, 6] };
    const l3 = { data: rng.normalArray(2 * 6 * 3 * 3), dims: [2, 6, 3, 3] };
    const layers = [{ name: 'a', channels: 4 }, { name: 'b', channels: 6 }];
    const { patches } = await runSession(buildFeatureHeadGraph(layers, 3, 8, 5), { a: l2, b: l3 });
    expect(patches.dims).toEqual([2, 6, 6, 5]);

    const p2 = avg3x3(l2);
    const p3 = resizeBilinear(avg3x3(l3), 6, 6);
    const w = patchcoreProjection([4, 6], 8, 5);
    for (const [n, y, x] of [[0, 0, 0], [1, 3, 5], [0, 5, 2]]) {
      const feat = [
        ...[0, 1, 2, 3].map((c) => p2.data[((n * 4 + c) * 6 + y) * 6 + x]),
        ...[0, 1, 2, 3, 4, 5].map((c) => p3.data[((n * 6 + c) * 6 + y) * 6 + x]),
      ];
      for (let t = 0; t < 5; t++) {
        const expected = feat.reduce((s, v, i) => s + v * w[i * 5 + t], 0);
        expect(patches.data[((n * 6 + y) * 6 + x) * 5 + t]).toBeCloseTo(expected, 5);
      }
    }
  });
});
