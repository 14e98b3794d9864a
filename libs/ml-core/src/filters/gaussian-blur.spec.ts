import { gaussianBlur, gaussianKernel1d } from './gaussian-blur';

describe('gaussianBlur', () => {
  it('builds a normalised kernel of scipy length (sigma 4 -> 33 taps)', () => {
    const k = gaussianKernel1d(4);
    expect(k.length).toBe(33);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(k[16]).toBeGreaterThan(k[15]);
    expect(k[15]).toBeCloseTo(k[17], 7);
  });

  it('keeps a constant map constant and preserves the mass of an interior impulse', () => {
    const flat = gaussianBlur({ data: new Float32Array(20 * 30).fill(2.5), dims: [1, 1, 20, 30] }, 4);
    for (const v of flat.data) expect(v).toBeCloseTo(2.5, 5);
    const impulse = new Float32Array(61 * 61);
    impulse[30 * 61 + 30] = 1;
    const blurred = gaussianBlur({ data: impulse, dims: [1, 1, 61, 61] }, 2);
    expect(blurred.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // the response is the outer product of the 1-D kernel with itself
    const k = gaussianKernel1d(2);
    expect(blurred.data[30 * 61 + 31]).toBeCloseTo(k[8] * k[9], 7);
  });

  it('reflects at the border (half-sample symmetric): an edge impulse keeps its mass', () => {
    const x = new Float32Array(9);
    x[0] = 1;
    const y = gaussianBlur({ data: x, dims: [1, 1, 1, 9] }, 1, 2);
    // 1-D, radius 2: mass leaking past the left edge is reflected back
    expect(y.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const k = gaussianKernel1d(1, 2);
    expect(y.data[0]).toBeCloseTo(k[2] + k[1], 6); // itself plus its reflection at -1
  });
});
