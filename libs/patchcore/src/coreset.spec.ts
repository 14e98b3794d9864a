import { SeededRandom } from '@defectlab/ml-core';
import { approximateGreedyCoreset, coveringRadius, greedyCoreset, jlProjectionMatrix, projectRows, type RowMatrix } from './coreset';

/** `clusters` Gaussian blobs of very different sizes in `dim` dims: random sampling tends to miss the small ones. */
function clustered(seed: number, dim: number): RowMatrix {
  const rng = new SeededRandom(seed);
  const sizes = [600, 300, 60, 20, 8, 4, 2, 1];
  const rows: number[] = [];
  for (const size of sizes) {
    const centre = Array.from({ length: dim }, () => rng.normal() * 10);
    for (let i = 0; i < size; i++) for (let j = 0; j < dim; j++) rows.push(centre[j] + rng.normal() * 0.5);
  }
  return { data: Float32Array.from(rows), dim };
}

describe('approximate greedy coreset', () => {
  it('returns the requested number of distinct indices', async () => {
    const rows = clustered(1, 32);
    for (const count of [1, 10, 99]) {
      const idx = await approximateGreedyCoreset(rows, { count, projectionDim: 8, startPoints: 10, seed: 3 });
      expect(idx.length).toBe(count);
      expect(new Set(idx).size).toBe(count);
      for (const i of idx) expect(i).toBeLessThan(rows.data.length / 32);
    }
  });

  it('covers clustered data no worse than random subsets of the same size (JL-projected distances)', async () => {
    const rows = clustered(2, 64);
    const n = rows.data.length / 64;
    for (const count of [10, 30]) {
      const idx = await approximateGreedyCoreset(rows, { count, projectionDim: 16, startPoints: 10, seed: 5 });
      const greedyRadius = coveringRadius(rows, idx);
      const rng = new SeededRandom(9);
      for (let trial = 0; trial < 5; trial++) {
        expect(greedyRadius).toBeLessThanOrEqual(coveringRadius(rows, rng.sample(n, count)));
      }
    }
  });

  it('runs the greedy steps in onnxruntime with the same selection as the JS loop', async () => {
    const rows = clustered(6, 16);
    const js = await greedyCoreset(rows, { count: 40, startPoints: 10, seed: 2, engine: 'js' });
    const ort = await greedyCoreset(rows, { count: 40, startPoints: 10, seed: 2, engine: 'onnxruntime' });
    expect(Array.from(ort)).toEqual(Array.from(js));
    const viaJs = await approximateGreedyCoreset(rows, { count: 25, projectionDim: 8, startPoints: 5, seed: 4, engine: 'js' });
    const viaOrt = await approximateGreedyCoreset(rows, { count: 25, projectionDim: 8, startPoints: 5, seed: 4 });
    expect(Array.from(viaOrt)).toEqual(Array.from(viaJs));
  });

  it('is deterministic for a seed', async () => {
    const rows = clustered(3, 16);
    const a = await approximateGreedyCoreset(rows, { count: 20, projectionDim: 8, startPoints: 5, seed: 11 });
    const b = await approximateGreedyCoreset(rows, { count: 20, projectionDim: 8, startPoints: 5, seed: 11 });
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('greedy selection without projection is the exact k-center greedy (farthest point first)', async () => {
    // points on a line: 0, 1, 2, 10; start point mean-distance init picks 10 first, then 0, then 2 or 1
    const rows = { data: Float32Array.from([0, 1, 2, 10]), dim: 1 };
    const idx = await greedyCoreset(rows, { count: 3, startPoints: 4, seed: 0, engine: 'js' });
    expect(Array.from(idx.slice(0, 2))).toEqual([3, 0]);
  });

  it('projects rows through the JL matrix like a naive product, and stops on abort', async () => {
    const rows = clustered(4, 12);
    const p = jlProjectionMatrix(12, 5, 1);
    const y = await projectRows(rows, p, 5, 1, 100);
    for (const r of [0, 250, 994]) {
      for (let o = 0; o < 5; o++) {
        let s = 0;
        for (let j = 0; j < 12; j++) s += rows.data[r * 12 + j] * p[j * 5 + o];
        expect(y.data[r * 5 + o]).toBeCloseTo(s, 3);
      }
    }
    const controller = new AbortController();
    controller.abort();
    await expect(approximateGreedyCoreset(rows, { count: 5, projectionDim: 4, startPoints: 2, seed: 1, signal: controller.signal })).rejects.toThrow();
  });
});
