import { createJsKnn } from './nearest-neighbours';
import { argMax, reweightedImageScore, scorePatchRows } from './score';

describe('image score re-weighting', () => {
  const bank = { data: Float32Array.from([0, 0, 1, 0, 0, 1, 10, 10]), dim: 2, size: 4 };

  it('equals s* * (1 - softmax weight of m*) computed by hand', () => {
    const f = Float32Array.from([0.5, 0]);
    // distances to rows 0, 1, 2: 0.5, 0.5, sqrt(1.25)
    const d = [0.5, 0.5, Math.sqrt(1.25)];
    const expected = (1 - Math.exp(d[0]) / d.reduce((s, v) => s + Math.exp(v), 0)) * 0.5;
    expect(reweightedImageScore(f, 0.5, bank, [0, 1, 2])).toBeCloseTo(expected, 6);
  });

  it('reduces to s* with one neighbour and weights isolated bank entries more', () => {
    const f = Float32Array.from([9, 9]);
    expect(reweightedImageScore(f, 1.4, bank, [3])).toBe(1.4);
    // m* = row 3 (isolated, others far away) -> weight close to 1; m* = row 0 in a dense cluster -> weight < 1
    const isolated = reweightedImageScore(f, 1, bank, [3, 2, 1]);
    // m_test* equidistant from m* and its neighbours: weight 1 - 1/b
    const dense = reweightedImageScore(Float32Array.from([0.5, 0.5]), 1, bank, [0, 1, 2]);
    expect(isolated).toBeGreaterThan(0.99);
    expect(dense).toBeCloseTo(2 / 3, 6);
  });

  it('argMax finds the largest entry of a slice', () => {
    expect(argMax(Float32Array.from([9, 1, 5, 3, 7]), 1, 3)).toEqual({ index: 1, value: 5 });
  });

  it('scores a batch: each patch by its nearest bank distance, each image by its worst patch re-weighted', async () => {
    // two images of 1x2 patches; image 0's patches sit on bank rows, image 1's second patch is 3 away from row 2
    const rows = { rows: Float32Array.from([0, 0, 1, 0, 0, 1, 0, 4]), dim: 2, images: 2, gridH: 1, gridW: 2 };
    const { patchScores, imageScores } = await scorePatchRows(rows, bank, createJsKnn(bank), 3);
    expect(Array.from(patchScores)).toEqual([0, 0, 0, 3]);
    expect(imageScores[0]).toBe(0);
    // worst patch (0, 4): m* = row 2 (0, 1); its 3 nearest bank rows are 2, 0, 1
    expect(imageScores[1]).toBeCloseTo(reweightedImageScore(Float32Array.from([0, 4]), 3, bank, [2, 0, 1]), 6);
    expect(imageScores[1]).toBeGreaterThan(0);
    expect(imageScores[1]).toBeLessThan(3);
  });
});
