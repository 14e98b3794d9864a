import fc from 'fast-check';
import { auroc, aurocFromBinnedCounts, aurocFromSweep, rocCurve } from './roc';
import { thresholdSweep } from './sweep';
import { bruteAuroc, labelledArb } from './testing/reference';

describe('AUROC', () => {
  it('hand-computed fixture with ties', () => {
    // good 0.1 0.4 0.5 ; defective 0.4 0.8. Pairs (g, d): (0.1,0.4)=1 (0.1,0.8)=1 (0.4,0.4)=.5
    // (0.4,0.8)=1 (0.5,0.4)=0 (0.5,0.8)=1 -> 4.5 / 6 = 0.75
    expect(auroc([0.1, 0.4, 0.5, 0.4, 0.8], [0, 0, 0, 1, 1])).toBe(0.75);
  });

  it('perfect, reversed and all-equal scores', () => {
    expect(auroc([0, 1, 2, 3], [0, 0, 1, 1])).toBe(1);
    expect(auroc([3, 2, 1, 0], [0, 0, 1, 1])).toBe(0);
    expect(auroc([7, 7, 7], [0, 1, 1])).toBe(0.5);
  });

  it('is null when a class is empty and throws on NaN', () => {
    expect(auroc([0.1, 0.2], [0, 0])).toBeNull();
    expect(auroc([0.1, 0.2], [1, 1])).toBeNull();
    expect(auroc([], [])).toBeNull();
    expect(rocCurve([0.1], [1])).toBeNull();
    expect(() => auroc([0.1, NaN], [0, 1])).toThrow(/predScores\[1\] is NaN/);
  });

  it('property: equals the fraction of correctly ordered (good, defective) pairs, ties 1/2', () => {
    fc.assert(
      fc.property(labelledArb({ maxLength: 60 }), ({ scores, labels }) => {
        const want = bruteAuroc(scores, labels);
        const got = auroc(scores, labels);
        const viaSweep = aurocFromSweep(thresholdSweep(scores, labels));
        if (want === null) {
          expect(got).toBeNull();
          expect(viaSweep).toBeNull();
        } else {
          expect(got).toBeCloseTo(want, 12);
          expect(viaSweep).toBeCloseTo(want, 12);
        }
      }),
    );
  });
});

describe('ROC curve', () => {
  it('runs from (0, 0) at +Infinity to (1, 1) with non-decreasing rates', () => {
    const c = rocCurve([0.1, 0.4, 0.5, 0.4, 0.8], [0, 0, 0, 1, 1]);
    expect(c).not.toBeNull();
    expect(Array.from(c!.thresholds)).toEqual([Infinity, 0.8, 0.5, 0.4, 0.1]);
    expect(Array.from(c!.fpr)).toEqual([0, 0, 1 / 3, 2 / 3, 1]);
    expect(Array.from(c!.tpr)).toEqual([0, 0.5, 0.5, 1, 1]);
  });

  it('property: trapezoidal area under the returned curve equals AUROC', () => {
    fc.assert(
      fc.property(labelledArb({ maxLength: 60 }), ({ scores, labels }) => {
        const c = rocCurve(scores, labels);
        if (!c) return;
        let area = 0;
        for (let i = 1; i < c.fpr.length; i++) area += ((c.fpr[i] - c.fpr[i - 1]) * (c.tpr[i] + c.tpr[i - 1])) / 2;
        expect(area).toBeCloseTo(auroc(scores, labels)!, 12);
        expect(c.fpr[c.fpr.length - 1]).toBe(1);
        expect(c.tpr[c.tpr.length - 1]).toBe(1);
      }),
    );
  });
});

describe('aurocFromBinnedCounts', () => {
  it('treats a shared bin as ties and reports the bound', () => {
    // bins ascending: good [2, 1, 0], defective [0, 1, 2]
    // pairs: goods in bin0 beat nothing: 2 goods * 3 defectives above = 6 correct;
    // good in bin1: 2 above + 1 tie = 2.5 -> 8.5 / 9
    const r = aurocFromBinnedCounts([2, 1, 0], [0, 1, 2]);
    expect(r!.auroc).toBeCloseTo(8.5 / 9, 15);
    expect(r!.maxAbsError).toBeCloseTo(0.5 / 9, 15);
    expect(aurocFromBinnedCounts([1, 2], [0, 0])).toBeNull();
  });
});
