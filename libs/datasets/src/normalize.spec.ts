import { IMAGENET_NORMALIZATION, toNormalizedBatch } from './normalize';

describe('toNormalizedBatch', () => {
  it('packs HWC uint8 images into NCHW float32 with ImageNet statistics', () => {
    const a = { data: new Uint8Array([0, 128, 255, 10, 20, 30]), width: 2, height: 1 };
    const b = { data: new Uint8Array([255, 255, 255, 0, 0, 0]), width: 2, height: 1 };
    const t = toNormalizedBatch([a, b]);
    expect(t.dims).toEqual([2, 3, 1, 2]);
    const { mean, std } = IMAGENET_NORMALIZATION;
    const expected = (v: number, c: number) => (v / 255 - mean[c]) / std[c];
    // element [n, c, 0, x] at ((n*3 + c)*1 + 0)*2 + x
    expect(t.data[0]).toBeCloseTo(expected(0, 0), 5); // n0 c0 x0
    expect(t.data[1]).toBeCloseTo(expected(10, 0), 5); // n0 c0 x1
    expect(t.data[2]).toBeCloseTo(expected(128, 1), 5); // n0 c1 x0
    expect(t.data[5]).toBeCloseTo(expected(30, 2), 5); // n0 c2 x1
    expect(t.data[6]).toBeCloseTo(expected(255, 0), 5); // n1 c0 x0
  });

  it('rejects mixed sizes and wrong reusable buffers', () => {
    const a = { data: new Uint8Array(12), width: 2, height: 2 };
    const b = { data: new Uint8Array(6), width: 2, height: 1 };
    expect(() => toNormalizedBatch([a, b])).toThrow(/batch\[1\]/);
    expect(() => toNormalizedBatch([a], IMAGENET_NORMALIZATION, new Float32Array(3))).toThrow(/buffer/);
  });
});
