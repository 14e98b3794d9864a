import fc from 'fast-check';
import { confusionAtThreshold } from './confusion';
import { bruteCounts, labelledArb, thresholdArb } from './testing/reference';

describe('confusionAtThreshold', () => {
  // scores: good 0.1 0.4 0.6 0.8 | defective 0.35 0.7 0.9 ; threshold 0.6 (>= flags)
  const scores = [0.1, 0.4, 0.6, 0.8, 0.35, 0.7, 0.9];
  const labels = [0, 0, 0, 0, 1, 1, 1];

  it('matches a hand-computed fixture', () => {
    const m = confusionAtThreshold(scores, labels, 0.6);
    expect(m).toMatchObject({ tp: 2, fp: 2, tn: 2, fn: 1, nGood: 4, nDefective: 3, n: 7, threshold: 0.6 });
    expect(m.missRate).toBeCloseTo(1 / 3, 15);
    expect(m.overkillRate).toBe(0.5);
    expect(m.accuracy).toBeCloseTo(4 / 7, 15);
    expect(m.precision).toBe(0.5);
    expect(m.recall).toBeCloseTo(2 / 3, 15);
    expect(m.f1).toBeCloseTo(4 / 7, 15); // 2*2 / (2*2 + 2 + 1)
  });

  it('flags a score equal to the threshold', () => {
    expect(confusionAtThreshold([0.5], [1], 0.5).tp).toBe(1);
    expect(confusionAtThreshold([0.5], [0], 0.5).fp).toBe(1);
  });

  it('handles +/-Infinity thresholds', () => {
    expect(confusionAtThreshold(scores, labels, Infinity)).toMatchObject({ tp: 0, fp: 0, missRate: 1, overkillRate: 0, precision: null, f1: 0 });
    expect(confusionAtThreshold(scores, labels, -Infinity)).toMatchObject({ tp: 3, fp: 4, missRate: 0, overkillRate: 1 });
  });

  it('returns null (never NaN) for rates with an empty denominator', () => {
    const noDefects = confusionAtThreshold([0.2, 0.9], [0, 0], 0.5);
    expect(noDefects).toMatchObject({ fp: 1, tn: 1, missRate: null, recall: null, overkillRate: 0.5, precision: 0, f1: 0 });
    const noGood = confusionAtThreshold([0.2, 0.9], [1, 1], 0.5);
    expect(noGood).toMatchObject({ tp: 1, fn: 1, overkillRate: null, missRate: 0.5, precision: 1 });
    const empty = confusionAtThreshold([], [], 0.5);
    expect(empty).toMatchObject({ n: 0, missRate: null, overkillRate: null, accuracy: null, precision: null, recall: null, f1: null });
    const allPassNoDefects = confusionAtThreshold([0.1], [0], 0.5);
    expect(allPassNoDefects.f1).toBeNull(); // TP + FP + FN = 0
  });

  it('treats all-equal scores as one block', () => {
    expect(confusionAtThreshold([3, 3, 3], [0, 1, 1], 3)).toMatchObject({ tp: 2, fp: 1 });
    expect(confusionAtThreshold([3, 3, 3], [0, 1, 1], 3.0001)).toMatchObject({ tp: 0, fp: 0 });
  });

  it('accepts typed arrays', () => {
    const m = confusionAtThreshold(new Float32Array(scores), new Uint8Array(labels), 0.6);
    expect(m).toMatchObject({ tp: 2, fp: 2, tn: 2, fn: 1 });
    expect(confusionAtThreshold(new Float64Array(scores), Float32Array.from(labels), 0.6).tp).toBe(2);
  });

  it('throws on NaN scores, bad labels, mismatched lengths and a NaN threshold', () => {
    expect(() => confusionAtThreshold([0.1, NaN], [0, 1], 0.5)).toThrow(/predScores\[1\] is NaN/);
    expect(() => confusionAtThreshold([0.1], [2], 0.5)).toThrow(/gtLabels\[0\] is 2/);
    expect(() => confusionAtThreshold([0.1], [0, 1], 0.5)).toThrow(/1 elements but gtLabels has 2/);
    expect(() => confusionAtThreshold([0.1], [0], NaN)).toThrow(/threshold is NaN/);
  });

  it('property: counts equal brute force and always sum to the totals; rates are in [0, 1] or null', () => {
    fc.assert(
      fc.property(labelledArb(), thresholdArb, ({ scores, labels }, t) => {
        const m = confusionAtThreshold(scores, labels, t);
        const b = bruteCounts(scores, labels, t);
        expect({ tp: m.tp, fp: m.fp, tn: m.tn, fn: m.fn }).toEqual(b);
        expect(m.tp + m.fp + m.tn + m.fn).toBe(scores.length);
        expect(m.tp + m.fn).toBe(labels.filter((l) => l === 1).length);
        for (const r of [m.missRate, m.overkillRate, m.accuracy, m.precision, m.recall, m.f1]) {
          if (r !== null) {
            expect(Number.isNaN(r)).toBe(false);
            expect(r).toBeGreaterThanOrEqual(0);
            expect(r).toBeLessThanOrEqual(1);
          }
        }
      }),
    );
  });
});
