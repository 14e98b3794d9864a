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

  // fast-check seed 216384537 found this on landed main: the bin width underflowed to 0 and the
  // score vanished from the counts (NaN bin index).
  it('regression: a range one subnormal wide ([0, 5e-324], 2 bins) still counts every score', () => {
    const h = scoreHistogram([0], [0], { bins: 2, min: 0, max: 5e-324 });
    expect(Array.from(h.edges)).toEqual([0, 0, 5e-324]);
    expect(Array.from(h.goodCounts)).toEqual([0, 1]); // [0, 0) is empty; 0 sits in [0, 5e-324]
    expect(h.atEdges.map((m) => m.fp)).toEqual([1, 1, 0]);
    h.edges.forEach((e, i) => expect(h.atEdges[i]).toEqual(confusionAtThreshold([0], [0], e)));
  });

  it('constant scores of any magnitude get a range with a width, and every score is counted', () => {
    const big = scoreHistogram([1e20, 1e20], [0, 1], { bins: 4 });
    expect(big.edges[0]).toBe(1e20);
    expect(big.edges[4]).toBe(1e20 + 1e20 / 2 ** 20);
    for (let i = 1; i <= 4; i++) expect(big.edges[i]).toBeGreaterThan(big.edges[i - 1]);
    expect([big.goodCounts[0], big.defectiveCounts[0]]).toEqual([1, 1]);
    // at the top of the doubles the range is widened downwards instead of overflowing
    const top = scoreHistogram([Number.MAX_VALUE], [1], { bins: 3 });
    expect(top.edges[3]).toBe(Number.MAX_VALUE);
    expect(Array.from(top.edges).every(Number.isFinite)).toBe(true);
    expect(Array.from(top.defectiveCounts)).toEqual([0, 0, 1]);
    expect(top.atEdges[3]).toMatchObject({ tp: 1, fn: 0 });
    // an explicit single-value range is widened the same way
    expect(Array.from(scoreHistogram([0.5], [0], { bins: 2, min: 0.5, max: 0.5 }).edges)).toEqual([0.5, 1, 1.5]);
  });

  it('a range wider than the largest double has finite edges and counts every score', () => {
    const h = scoreHistogram([-1e308, 0, 1e308], [0, 1, 1], { bins: 2 });
    expect(Array.from(h.edges)).toEqual([-1e308, 0, 1e308]);
    expect(Array.from(h.goodCounts)).toEqual([1, 0]);
    expect(Array.from(h.defectiveCounts)).toEqual([0, 2]);
  });

  it('refuses NaN and +/-Infinity scores, naming the image index, instead of dropping them', () => {
    expect(() => scoreHistogram([0.1, NaN], [0, 1])).toThrow(/predScores\[1\] is NaN/);
    expect(() => scoreHistogram([Infinity, 0.3], [1, 0], { bins: 2, min: 0, max: 1 })).toThrow(/predScores\[0\] is Infinity/);
    expect(() => scoreHistogram([0.2, 0.3, -Infinity], [0, 0, 1])).toThrow(/predScores\[2\] is -Infinity/);
    expect(() => scoreHistogram([0.2], [0], { min: 0, max: Infinity })).toThrow(/must be finite/);
    expect(() => scoreHistogram([0.2], [0], { min: NaN, max: 1 })).toThrow(/must be finite/);
  });

  it('property: every score counted once in the bin its edges say; figures at every edge equal confusionAtThreshold', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    const range = fc.oneof(
      fc.tuple(fc.double({ min: -5, max: 0, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true })),
      fc.tuple(finite, finite).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a])),
      finite.map((v): [number, number] => [v, v]),
      fc.constantFrom<[number, number]>([0, 5e-324], [-5e-324, 5e-324], [1, 1 + 2 ** -52], [-Number.MAX_VALUE, Number.MAX_VALUE]),
    );
    fc.assert(
      fc.property(labelledArb({ minLength: 1 }), fc.integer({ min: 1, max: 13 }), fc.option(range), ({ scores, labels }, bins, r) => {
        const h = scoreHistogram(scores, labels, r ? { bins, min: r[0], max: r[1] } : { bins });
        const edges = Array.from(h.edges);
        expect(edges.every(Number.isFinite)).toBe(true);
        expect(edges.every((e, i) => i === 0 || e >= edges[i - 1])).toBe(true);
        expect(edges[bins]).toBeGreaterThan(edges[0]);
        // by definition: bin j holds edges[j] <= s < edges[j + 1], the last bin also s = edges[bins]
        const want = { good: new Array<number>(bins).fill(0), defective: new Array<number>(bins).fill(0), below: 0, above: 0 };
        scores.forEach((s, i) => {
          const j = edges.findIndex((e, k) => k < bins && e <= s && (s < edges[k + 1] || (k === bins - 1 && s === edges[bins])));
          if (s < edges[0]) want.below++;
          else if (s > edges[bins]) want.above++;
          else want[labels[i] === 1 ? 'defective' : 'good'][j]++;
        });
        expect([Array.from(h.goodCounts), Array.from(h.defectiveCounts)]).toEqual([want.good, want.defective]);
        expect([h.below.good + h.below.defective, h.above.good + h.above.defective]).toEqual([want.below, want.above]);
        h.edges.forEach((e, i) => expect(h.atEdges[i]).toEqual(confusionAtThreshold(scores, labels, e)));
      }),
    );
  });
});
