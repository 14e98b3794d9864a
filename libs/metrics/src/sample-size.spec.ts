import fc from 'fast-check';
import { clopperPearsonInterval } from './confidence-interval';
import { defectiveImagesNeeded, zeroMissUpperBound } from './sample-size';
import { MetricsInputError } from './validate';

describe('defectiveImagesNeeded', () => {
  it('0 misses must be seen on 598 defective images (one-sided 95 %) or 736 (the two-sided interval shown) to show miss <= 0.5 %', () => {
    expect(defectiveImagesNeeded(0.005, { sides: 'one-sided' })).toBe(598);
    expect(defectiveImagesNeeded(0.005)).toBe(736);
  });

  it('0 misses on 20 defective images can never show 0.5 %: the bound is 16.8 %', () => {
    expect(zeroMissUpperBound(20)).toBeCloseTo(0.1684, 4);
    expect(zeroMissUpperBound(20)).toBeGreaterThan(0.005);
  });

  it('agrees with the Clopper-Pearson interval the platform shows', () => {
    expect(zeroMissUpperBound(40)).toBeCloseTo(clopperPearsonInterval(0, 40).upper, 10);
    const n = defectiveImagesNeeded(0.01);
    expect(clopperPearsonInterval(0, n).upper).toBeLessThanOrEqual(0.01);
    expect(clopperPearsonInterval(0, n - 1).upper).toBeGreaterThan(0.01);
  });

  it('handles the ends and refuses nonsense', () => {
    expect(defectiveImagesNeeded(0)).toBe(Infinity);
    expect(defectiveImagesNeeded(1)).toBe(0);
    expect(zeroMissUpperBound(0)).toBe(1);
    expect(() => defectiveImagesNeeded(-0.1)).toThrow(MetricsInputError);
    expect(() => defectiveImagesNeeded(0.1, { confidence: 1 })).toThrow(MetricsInputError);
    expect(() => zeroMissUpperBound(1.5)).toThrow(MetricsInputError);
  });

  it('property: the answer is the least n whose zero-miss upper bound reaches the target', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 0.999, noNaN: true }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        fc.constantFrom('one-sided' as const, 'two-sided' as const),
        (p, confidence, sides) => {
          const n = defectiveImagesNeeded(p, { confidence, sides });
          expect(zeroMissUpperBound(n, { confidence, sides })).toBeLessThanOrEqual(p);
          if (n > 1) expect(zeroMissUpperBound(n - 1, { confidence, sides })).toBeGreaterThan(p);
          // two-sided needs at least as many images as one-sided
          if (sides === 'two-sided') expect(n).toBeGreaterThanOrEqual(defectiveImagesNeeded(p, { confidence, sides: 'one-sided' }));
        },
      ),
    );
  });
});
