import { anomalyMaps } from './anomaly-map';
import { imageScores, positionScores } from './score';

describe('scores', () => {
  // Two images, 2 channels; scale 0 is 2x2, scale 1 is 1x1.
  const z0 = { data: Float32Array.from([1, 2, 0, 0, 1, 0, 0, 2, /* img 1 */ 0, 0, 0, 0, 0, 0, 0, 4]), dims: [2, 2, 2, 2] };
  const z1 = { data: Float32Array.from([2, 0, /* img 1 */ 0, 0]), dims: [2, 2, 1, 1] };

  it('mean over positions of all scales equals the mean of 0.5 z^2 over all latent entries (paper score)', () => {
    const s = imageScores([positionScores(z0), positionScores(z1)], 'mean');
    for (let i = 0; i < 2; i++) {
      const entries = [...z0.data.subarray(i * 8, i * 8 + 8), ...z1.data.subarray(i * 2, i * 2 + 2)];
      const direct = entries.reduce((a, v) => a + 0.5 * v * v, 0) / entries.length;
      expect(s[i]).toBeCloseTo(direct, 6);
    }
  });

  it('std, max and top-k follow their definitions', () => {
    const pos = [positionScores(z0), positionScores(z1)];
    // image 1 positions: scale0 [0,0,0, 0.5*16/2=4], scale1 [0] -> values [0,0,0,4,0]
    expect(imageScores(pos, 'max')[1]).toBeCloseTo(4, 6);
    expect(imageScores(pos, 'std')[1]).toBeCloseTo(Math.sqrt((4 * 0.8 * 0.8 + 3.2 * 3.2) / 5), 5);
    expect(imageScores(pos, 'topk', 0.4)[1]).toBeCloseTo(2, 6); // top 2 of 5: (4 + 0) / 2
  });

  it('anomaly maps upsample 2 x the finest position score and keep constants constant', () => {
    const flat = { data: new Float32Array(4).fill(1.5), dims: [1, 1, 2, 2] };
    const m = anomalyMaps(flat, 5, 7);
    expect(m.dims).toEqual([1, 1, 5, 7]);
    expect(Array.from(m.data).every((v) => Math.abs(v - 3) < 1e-6)).toBe(true);
    const ramp = { data: Float32Array.from([0, 1]), dims: [1, 1, 1, 2] };
    const r = anomalyMaps(ramp, 1, 4);
    // half-pixel centres: x=0 -> src -0.25 (clamped 0), x=1 -> 0.25, x=2 -> 0.75, x=3 -> 1.25 (clamped 1)
    expect(Array.from(r.data).map((v) => +v.toFixed(4))).toEqual([0, 0.5, 1.5, 2]);
  });
});
