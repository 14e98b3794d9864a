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

  it('property: same partition as naive label relaxation, from empty to full masks', () => {
    // level 0 gives an empty mask, 4 a full one, 1..3 a quarter, half or three quarters of the pixels
    const mask = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.array(fc.nat(3), { minLength: 81, maxLength: 81 }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), mask, (w, h, [level, draws]) => {
        const data = draws.slice(0, w * h).map((d) => (d < level ? 1 : 0));
        const got = labelConnectedComponents({ width: w, height: h, data });
        const ref = bruteRegions(data, w, h);
        expect(got.count).toBe(new Set(Array.from(ref).filter((v) => v >= 0)).size);
        expect(partitionMismatch(got.labels, ref)).toBeNull();
      }),
    );
  });
});

/**
 * Null when `labels` (0 = background) and `ref` (-1 = background) split the pixels the same way:
 * same background, and a one-to-one map between region ids; else the first pixel that breaks it.
 */
function partitionMismatch(labels: Int32Array, ref: Int32Array): string | null {
  const refOf = new Map<number, number>();
  const labelOf = new Map<number, number>();
  for (let p = 0; p < ref.length; p++) {
    if ((ref[p] < 0) !== (labels[p] === 0)) return `pixel ${p}: label ${labels[p]} but reference ${ref[p]}`;
    if (ref[p] < 0) continue;
    if ((refOf.get(labels[p]) ?? ref[p]) !== ref[p] || (labelOf.get(ref[p]) ?? labels[p]) !== labels[p]) {
      return `pixel ${p}: label ${labels[p]} joins reference regions differently (reference ${ref[p]})`;
    }
    refOf.set(labels[p], ref[p]);
    labelOf.set(ref[p], labels[p]);
  }
  return null;
}
