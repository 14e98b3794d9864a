import { SeededRandom } from '@defectlab/ml-core';
import { kMeans, meanDescriptors, PositionMean } from './centroids';
import { coordinateBias, describe as describeRows, gridCoordinates, initDescriptor } from './descriptor';

describe('memory bank (centroids)', () => {
  it('per-position mean descriptor equals the mean of per-image descriptors (the descriptor is affine)', () => {
    const rng = new SeededRandom(2);
    const [h, w, C] = [3, 4, 5];
    const weights = initDescriptor(C, 3, 1);
    const images = [rng.normalArray(h * w * C), rng.normalArray(h * w * C), rng.normalArray(h * w * C)];
    const pm = new PositionMean();
    pm.add(Float32Array.from([...images[0], ...images[1]]), 2);
    pm.add(images[2], 1);
    const bank = meanDescriptors(weights, pm.mean(), h, w);
    const bias = coordinateBias(weights, h, w);
    const perImage = images.map((x) => describeRows(weights, x, bias, (i) => i));
    for (let i = 0; i < bank.length; i++) expect(bank[i]).toBeCloseTo((perImage[0][i] + perImage[1][i] + perImage[2][i]) / 3, 5);
  });

  it('uses AddCoords coordinates: row then column, scaled to [-1, 1]', () => {
    const c = gridCoordinates(3, 5);
    expect(Array.from(c.subarray(0, 2))).toEqual([-1, -1]);
    expect(Array.from(c.subarray((1 * 5 + 4) * 2, (1 * 5 + 4) * 2 + 2))).toEqual([0, 1]);
  });

  it('k-means finds well separated clusters', () => {
    const rng = new SeededRandom(3);
    const centres = [[0, 0], [10, 0], [0, 10], [10, 10]];
    const points = Float32Array.from(Array.from({ length: 200 }, (_, i) => centres[i % 4].map((v) => v + rng.normal() * 0.3)).flat());
    const found = kMeans(points, 2, 4, 50, 1);
    const pairs = Array.from({ length: 4 }, (_, k) => [found[2 * k], found[2 * k + 1]]);
    for (const c of centres) expect(Math.min(...pairs.map((p) => Math.hypot(p[0] - c[0], p[1] - c[1])))).toBeLessThan(0.2);
  });
});
