import fc from 'fast-check';
import { confusionAtThreshold } from './confusion';
import { confusionFromSorted, countAtOrAbove, firstAtOrAbove, sortScoresByClass } from './sorted-scores';
import { labelledArb, thresholdArb } from './testing/reference';

describe('sorted scores (simulator path)', () => {
  it('splits by class and sorts ascending', () => {
    const s = sortScoresByClass([0.5, 0.1, 0.9, 0.3], [1, 0, 1, 0]);
    expect(Array.from(s.good)).toEqual([0.1, 0.3]);
    expect(Array.from(s.defective)).toEqual([0.5, 0.9]);
  });

  it('countAtOrAbove counts entries >= t by binary search', () => {
    const a = [1, 2, 2, 2, 5];
    expect(countAtOrAbove(a, 2)).toBe(4);
    expect(countAtOrAbove(a, 2.5)).toBe(1);
    expect(countAtOrAbove(a, 0)).toBe(5);
    expect(countAtOrAbove(a, 6)).toBe(0);
    expect(countAtOrAbove([], 1)).toBe(0);
  });

  it('firstAtOrAbove finds the first index >= t (the length when none is)', () => {
    const a = Float64Array.from([1, 2, 2, 2, 5]);
    expect([0, 1, 2, 2.5, 5, 6].map((t) => firstAtOrAbove(a, t))).toEqual([0, 0, 1, 4, 4, 5]);
    expect(firstAtOrAbove([], 1)).toBe(0);
  });

  it('rejects NaN scores and thresholds', () => {
    expect(() => sortScoresByClass([NaN], [0])).toThrow(/predScores\[0\] is NaN/);
    expect(() => confusionFromSorted(sortScoresByClass([1], [0]), NaN)).toThrow(/threshold is NaN/);
  });

  it('property: equals confusionAtThreshold at any threshold, including scores themselves and +/-Infinity', () => {
    fc.assert(
      fc.property(labelledArb(), thresholdArb, ({ scores, labels }, t) => {
        const sorted = sortScoresByClass(scores, labels);
        for (const thr of [t, Infinity, -Infinity, ...scores.slice(0, 5)]) {
          expect(confusionFromSorted(sorted, thr)).toEqual(confusionAtThreshold(scores, labels, thr));
        }
      }),
    );
  });
});
