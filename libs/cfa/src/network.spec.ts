import { OnnxGraphBuilder, runSession, SeededRandom } from '@defectlab/ml-core';
import { gridCoordinates } from './descriptor';
import { declareCfaLoss } from './network';

/** The loss straight from the paper's formulas (eq. 3-5) for descriptors phi [n][D], in double precision. */
function paperLoss(phi: number[][], centres: number[][], r: number, K: number, J: number, alpha: number, nu: number): number {
  let att = 0;
  let rep = 0;
  for (const p of phi) {
    const d = centres.map((c) => c.reduce((s, v, j) => s + (p[j] - v) ** 2, 0)).sort((a, b) => a - b);
    for (let k = 0; k < K; k++) att += Math.max(0, d[k] - r * r);
    for (let k = K; k < K + J; k++) rep += Math.max(0, r * r - d[k] - alpha);
  }
  return att / (phi.length * K) / nu + (J > 0 ? rep / (phi.length * J) / nu : 0);
}

describe('declareCfaLoss', () => {
  it.each([
    { r: 0.3, note: 'small radius: attraction only' },
    { r: 2.5, note: 'large radius: repulsion active' },
  ])('equals the paper formula on phi = x Wf + coords Wc + b ($note)', async ({ r }) => {
    const rng = new SeededRandom(5);
    const [C, D, M, gh, gw] = [6, 4, 12, 3, 3];
    const n = gh * gw;
    const x = rng.normalArray(n * C);
    const wf = rng.normalArray(C * D, 0.4);
    const wc = rng.normalArray(2 * D, 0.4);
    const b = rng.normalArray(D, 0.1);
    const centres = rng.normalArray(M * D);
    const coords = gridCoordinates(gh, gw);
    const params = { K: 3, J: 3, alpha: 0.1, nu: 1e-3 };

    const g = new OnnxGraphBuilder({ name: 'cfa-loss' });
    const p = { wf: g.initializer('wf', wf, [C, D]), wc: g.initializer('wc', wc, [2, D]), b: g.initializer('b', b, [D]), r: g.initializer('r', Float32Array.of(r), [1]) };
    g.output(declareCfaLoss(g, g.input('x', [n, C]), g.initializer('coords', coords, [n, 2]), p, centres, { n, d: D }, params), 'loss', []);
    const out = await runSession(g.toBytes(), { x: { data: x, dims: [n, C] } });

    const phi = Array.from({ length: n }, (_, i) =>
      Array.from({ length: D }, (_, d) => {
        let v = b[d] + coords[i * 2] * wc[d] + coords[i * 2 + 1] * wc[D + d];
        for (let c = 0; c < C; c++) v += x[i * C + c] * wf[c * D + d];
        return v;
      }),
    );
    const bank = Array.from({ length: M }, (_, m) => Array.from(centres.subarray(m * D, (m + 1) * D)));
    const expected = paperLoss(phi, bank, r, params.K, params.J, params.alpha, params.nu);
    expect(expected).toBeGreaterThan(0);
    const attractionOnly = paperLoss(phi, bank, r, params.K, 0, params.alpha, params.nu);
    if (r > 1) expect(attractionOnly).toBeLessThan(expected);
    else expect(attractionOnly).toBe(expected);
    expect(Math.abs(out.loss.data[0] - expected) / expected).toBeLessThan(1e-4);
  });
});
