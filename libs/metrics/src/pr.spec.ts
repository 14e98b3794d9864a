import fc from 'fast-check';
import { averagePrecision, prCurve } from './pr';
import { bruteAveragePrecision, labelledArb } from './testing/reference';

describe('average precision (scikit-learn step definition)', () => {
  it('hand-computed fixture: scores [0.1, 0.4, 0.35, 0.8], labels [0, 0, 1, 1] -> 0.8333', () => {
    // the classic scikit-learn documentation example:
    // t=0.8: P=1, R=.5 ; t=0.4: P=.5, R=.5 ; t=0.35: P=2/3, R=1 ; t=0.1: P=.5, R=1
    // AP = .5*1 + 0*.5 + .5*(2/3) + 0 = 0.8333...
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(5 / 6, 15);
  });

  it('ties form one threshold', () => {
    // all equal: one threshold, P = 2/4, R = 1 -> AP = 0.5
    expect(averagePrecision([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0.5);
  });

  it('is null without defectives and 1 without goods; throws on NaN', () => {
    expect(averagePrecision([0.2, 0.3], [0, 0])).toBeNull();
    expect(averagePrecision([0.2, 0.3], [1, 1])).toBe(1);
    expect(prCurve([0.2], [0])).toBeNull();
    expect(() => averagePrecision([NaN], [1])).toThrow(/predScores\[0\] is NaN/);
  });

  it('curve points are one per distinct score, descending thresholds', () => {
    const c = prCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])!;
    expect(Array.from(c.thresholds)).toEqual([0.8, 0.4, 0.35, 0.1]);
    expect(Array.from(c.precision)).toEqual([1, 0.5, 2 / 3, 0.5]);
    expect(Array.from(c.recall)).toEqual([0.5, 0.5, 1, 1]);
  });

  it('property: equals the definition computed by brute force', () => {
    fc.assert(
      fc.property(labelledArb(), ({ scores, labels }) => {
        const want = bruteAveragePrecision(scores, labels);
        const got = averagePrecision(scores, labels);
        if (want === null) expect(got).toBeNull();
        else expect(got).toBeCloseTo(want, 12);
      }),
    );
  });
});
