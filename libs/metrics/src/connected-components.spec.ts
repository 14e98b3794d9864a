import fc from 'fast-check';
import { labelConnectedComponents } from './connected-components';
import { bruteRegions } from './testing/reference';

describe('labelConnectedComponents (8-connectivity)', () => {
  it('joins diagonal neighbours and separates gaps', () => {
    // 1 0 0 1
    // 0 1 0 1
    // 0 0 0 0
    // 1 1 0 0
    const mask = { width: 4, height: 4, data: [1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0] };
    const c = labelConnectedComponents(mask);
    expect(c.count).toBe(3);
    expect(Array.from(c.sizes)).toEqual([0, 2, 2, 2]);
    expect(c.labels[0]).toBe(c.labels[5]); // diagonal
    expect(c.labels[3]).toBe(c.labels[7]);
    expect(c.labels[0]).not.toBe(c.labels[3]);
  });

  it('handles empty and full masks', () => {
    expect(labelConnectedComponents({ width: 3, height: 2, data: new Uint8Array(6) }).count).toBe(0);
    const full = labelConnectedComponents({ width: 3, height: 2, data: new Uint8Array(6).fill(1) });
    expect(full.count).toBe(1);
    expect(full.sizes[1]).toBe(6);
  });

  it('rejects bad dims and values', () => {
    expect(() => labelConnectedComponents({ width: 2, height: 2, data: [1, 0, 1] })).toThrow(/3 elements but width\*height is 2x2 = 4/);
    expect(() => labelConnectedComponents({ width: 1, height: 1, data: [2] })).toThrow(/mask.data\[0\] is 2/);
  });

  it('property: same partition as naive label relaxation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.array(fc.constantFrom(0, 1), { minLength: 81, maxLength: 81 }), (w, h, bits) => {
        const data = bits.slice(0, w * h);
        const got = labelConnectedComponents({ width: w, height: h, data });
        const ref = bruteRegions(data, w, h);
        const refIds = new Set(Array.from(ref).filter((v) => v >= 0));
        expect(got.count).toBe(refIds.size);
        for (let p = 0; p < w * h; p++) {
          for (let q = 0; q < w * h; q++) {
            if (ref[p] < 0 || ref[q] < 0) continue;
            expect(got.labels[p] === got.labels[q]).toBe(ref[p] === ref[q]);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
