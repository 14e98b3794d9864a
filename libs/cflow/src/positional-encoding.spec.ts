import fc from 'fast-check';
import { positionalEncoding2d } from './positional-encoding';

describe('positionalEncoding2d', () => {
  it('pairs (sin, cos) lie on the unit circle; x-channels vary along rows only, y-channels along columns only', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 32 }).map((k) => 4 * k), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), (dim, h, w) => {
        const pe = positionalEncoding2d(dim, h, w);
        expect(pe).toHaveLength(h * w * dim);
        const d = dim / 2;
        for (let s = 0; s < h * w; s++) {
          for (let c = 0; c < dim; c += 2) expect(pe[s * dim + c] ** 2 + pe[s * dim + c + 1] ** 2).toBeCloseTo(1, 5);
          const x = s % w;
          const y = Math.floor(s / w);
          for (let c = 0; c < d; c++) expect(pe[s * dim + c]).toBe(pe[x * dim + c]); // row 0, same x
          for (let c = d; c < dim; c++) expect(pe[s * dim + c]).toBe(pe[y * w * dim + c]); // column 0, same y
        }
      }),
    );
  });

  it('matches the reference formula at hand-computed points (dim 8: frequencies 1 and 1e-2)', () => {
    const pe = positionalEncoding2d(8, 3, 4);
    const at = (y: number, x: number) => Array.from(pe.subarray((y * 4 + x) * 8, (y * 4 + x + 1) * 8));
    const want = (y: number, x: number) => [Math.sin(x), Math.cos(x), Math.sin(x / 100), Math.cos(x / 100), Math.sin(y), Math.cos(y), Math.sin(y / 100), Math.cos(y / 100)];
    for (const [y, x] of [[0, 0], [2, 3], [1, 2]]) at(y, x).forEach((v, i) => expect(v).toBeCloseTo(want(y, x)[i], 6));
  });

  it('refuses a dimension that is not a multiple of 4', () => {
    expect(() => positionalEncoding2d(6, 2, 2)).toThrow(/multiple of 4/);
  });
});
