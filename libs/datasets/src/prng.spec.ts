import fc from 'fast-check';
import { createRng, randomPermutation } from './prng';

describe('randomPermutation', () => {
  it('holds every index 0..n-1 exactly once and depends only on the seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer(), (n, seed) => {
        const p = randomPermutation(createRng(seed), n);
        expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(randomPermutation(createRng(seed), n)).toEqual(p);
      }),
    );
  });

  it('moves elements (not the identity for a long permutation)', () => {
    const p = randomPermutation(createRng(7), 64);
    expect(p.some((v, i) => v !== i)).toBe(true);
  });
});
