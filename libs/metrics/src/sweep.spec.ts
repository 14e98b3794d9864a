import fc from 'fast-check';
import { sweepCountsAt, thresholdSweep } from './sweep';
import { bruteCandidates, bruteCounts, labelledArb } from './testing/reference';

describe('thresholdSweep', () => {
  it('lists +Infinity then the distinct scores descending, with cumulative counts', () => {
    const s = thresholdSweep([0.2, 0.8, 0.8, 0.5, 0.2], [0, 1, 0, 1, 1]);
    expect(Array.from(s.thresholds)).toEqual([Infinity, 0.8, 0.5, 0.2]);
    expect(Array.from(s.tp)).toEqual([0, 1, 2, 3]);
    expect(Array.from(s.fp)).toEqual([0, 1, 1, 2]);
    expect(sweepCountsAt(s, 2)).toEqual({ tp: 2, fp: 1, tn: 1, fn: 1 });
  });

  it('has only the +Infinity candidate for no scores', () => {
    const s = thresholdSweep([], []);
    expect(Array.from(s.thresholds)).toEqual([Infinity]);
    expect(s.nGood + s.nDefective).toBe(0);
  });

  it('property: candidates and counts equal brute force', () => {
    fc.assert(
      fc.property(labelledArb(), ({ scores, labels }) => {
        const s = thresholdSweep(scores, labels);
        expect(Array.from(s.thresholds)).toEqual(bruteCandidates(scores));
        s.thresholds.forEach((t, i) => {
          expect(sweepCountsAt(s, i)).toEqual(bruteCounts(scores, labels, t));
        });
      }),
    );
  });
});
