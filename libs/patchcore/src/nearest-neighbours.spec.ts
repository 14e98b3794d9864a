import { openSessionCount, SeededRandom } from '@defectlab/ml-core';
import { createJsKnn, createOrtKnn } from './nearest-neighbours';

/** The definition: sort all bank rows by Euclidean distance (double precision). */
function bruteForce(bank: Float32Array, queries: Float32Array, dim: number, k: number): { d: number[][]; i: number[][] } {
  const n = queries.length / dim;
  const m = bank.length / dim;
  const d: number[][] = [];
  const i: number[][] = [];
  for (let q = 0; q < n; q++) {
    const all = Array.from({ length: m }, (_, r) => {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (queries[q * dim + j] - bank[r * dim + j]) ** 2;
      return [Math.sqrt(s), r];
    }).sort((a, b) => a[0] - b[0]);
    d.push(all.slice(0, k).map((x) => x[0]));
    i.push(all.slice(0, k).map((x) => x[1]));
  }
  return { d, i };
}

describe('nearest-neighbour search', () => {
  const dim = 24;
  const rng = new SeededRandom(42);
  const bank = { data: rng.normalArray(300 * dim), dim, size: 300 };
  const queries = { data: rng.normalArray(50 * dim), dim };
  const ref = bruteForce(bank.data, queries.data, dim, 5);

  it.each(['onnxruntime', 'js'] as const)('%s engine agrees with brute force (k=5, batched)', async (engine) => {
    const before = openSessionCount();
    const index = engine === 'onnxruntime' ? await createOrtKnn(bank, 5, { batchRows: 16 }) : createJsKnn(bank);
    try {
      const res = await index.search(queries, 5);
      expect(res.k).toBe(5);
      for (let q = 0; q < 50; q++) {
        for (let t = 0; t < 5; t++) {
          expect(res.distances[q * 5 + t]).toBeCloseTo(ref.d[q][t], 3);
          // indices may swap only between (near-)equal distances
          if (res.indices[q * 5 + t] !== ref.i[q][t]) expect(Math.abs(ref.d[q][t] - ref.d[q][t + 1 < 5 ? t + 1 : t - 1])).toBeLessThan(1e-4);
        }
      }
    } finally {
      await index.dispose();
    }
    expect(openSessionCount()).toBe(before);
  });

  it('returns distance 0 for a query that is a bank row, and clamps k to the bank size', async () => {
    const small = { data: bank.data.slice(0, 3 * dim), dim, size: 3 };
    const index = await createOrtKnn(small, 9);
    try {
      const res = await index.search({ data: small.data.slice(dim, 2 * dim), dim }, 9);
      expect(res.k).toBe(3);
      expect(res.indices[0]).toBe(1);
      expect(res.distances[0]).toBe(0);
    } finally {
      await index.dispose();
    }
  });
});
