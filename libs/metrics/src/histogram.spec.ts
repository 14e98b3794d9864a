import fc from 'fast-check';
import { confusionAtThreshold } from './confusion';
import { scoreHistogram } from './histogram';
import { labelledArb } from './testing/reference';

describe('scoreHistogram', () => {
  it('hand-computed fixture: 4 bins over [0, 1]', () => {
    // good 0.1 0.3 0.5 ; defective 0.5 0.75 1.0
    const h = scoreHistogram([0.1, 0.3, 0.5, 0.5, 0.75, 1.0], [0, 0, 0, 1, 1, 1], { bins: 4 });
    expect(Array.from(h.edges)).toEqual([0.1, 0.325, 0.55, 0.775, 1]);
    // bins [0.1,.325) [.325,.55) [.55,.775) [.775, 1]
    expect(Array.from(h.goodCounts)).toEqual([2, 1, 0, 0]);
    expect(Array.from(h.defectiveCounts)).toEqual([0, 1, 1, 1]);
    expect(h.atEdges.map((m) => [m.tp, m.fp])).toEqual([
      [3, 3],
      [3, 1],
      [2, 0],
      [1, 0],
      [1, 0], // threshold = 1.0 flags the score equal to it
    ]);
    expect(h.atEdges[1].missRate).toBe(0);
    expect(h.atEdges[1].overkillRate).toBeCloseTo(1 / 3, 15);
  });

  it('counts out-of-range scores in below/above when a range is given, and still gets edge figures right', () => {
    const h = scoreHistogram([-5, 0.2, 0.6, 9], [0, 1, 0, 1], { bins: 2, min: 0, max: 1 });
    expect(h.below).toEqual({ good: 1, defective: 0 });
    expect(h.above).toEqual({ good: 0, defective: 1 });
    expect(h.atEdges[0]).toMatchObject({ tp: 2, fp: 1 }); // >= 0: 0.2, 0.6, 9
    expect(h.atEdges[2]).toMatchObject({ tp: 1, fp: 0 }); // >= 1: 9
  });

  it('all scores equal: range [v, v + 1], everything in the first bin', () => {
    const h = scoreHistogram([2, 2, 2], [0, 1, 1], { bins: 2 });
    expect(Array.from(h.edges)).toEqual([2, 2.5, 3]);
    expect(Array.from(h.goodCounts)).toEqual([1, 0]);
    expect(Array.from(h.defectiveCounts)).toEqual([2, 0]);
    expect(h.atEdges[0]).toMatchObject({ tp: 2, fp: 1 });
  });

  it('no defective / no good samples give null rates at the edges; errors on bad input', () => {
    expect(scoreHistogram([0.1, 0.2], [0, 0]).atEdges[0].missRate).toBeNull();
    expect(scoreHistogram([0.1, 0.2], [1, 1]).atEdges[0].overkillRate).toBeNull();
    expect(() => scoreHistogram([], [])).toThrow(/needs an explicit min and max/);
    expect(scoreHistogram([], [], { min: 0, max: 1, bins: 3 }).atEdges).toHaveLength(4);
    expect(() => scoreHistogram([NaN], [0])).toThrow(/predScores\[0\] is NaN/);
    expect(() => scoreHistogram([1], [0], { bins: 0 })).toThrow(/bins is 0/);
    expect(() => scoreHistogram([1], [0], { min: 2, max: 1 })).toThrow(/min <= max/);
  });

  it('property: figures at every edge equal confusionAtThreshold on the raw scores; counts sum to n', () => {
    fc.assert(
      fc.property(
        labelledArb({ minLength: 1 }),
        fc.integer({ min: 1, max: 13 }),
        fc.option(fc.tuple(fc.double({ min: -5, max: 0, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }))),
        ({ scores, labels }, bins, range) => {
          const h = scoreHistogram(scores, labels, range ? { bins, min: range[0], max: range[1] } : { bins });
          let total = h.below.good + h.below.defective + h.above.good + h.above.defective;
          for (let j = 0; j < bins; j++) total += h.goodCounts[j] + h.defectiveCounts[j];
          expect(total).toBe(scores.length);
          h.edges.forEach((e, i) => expect(h.atEdges[i]).toEqual(confusionAtThreshold(scores, labels, e)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
