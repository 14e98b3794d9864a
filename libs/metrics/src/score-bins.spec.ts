import { ScoreBins } from './score-bins';
import { MetricsInputError } from './validate';

describe('ScoreBins', () => {
  it('maps scores to equal-width bins over [min, max], clamping outside scores', () => {
    const bins = new ScoreBins({ bins: 4, min: 0, max: 1 });
    expect([-5, 0, 0.24, 0.25, 0.5, 0.99, 1, 7].map((s) => bins.indexOf(s))).toEqual([0, 0, 0, 1, 2, 3, 3, 3]);
    expect([0, 1, 2, 3].map((b) => bins.lowerEdge(b))).toEqual([0, 0.25, 0.5, 0.75]);
  });

  it('puts everything in the first bin when the range is a single value', () => {
    const bins = new ScoreBins({ bins: 8, min: 2, max: 2 });
    expect([1, 2, 3].map((s) => bins.indexOf(s))).toEqual([0, 0, 0]);
    expect(bins.lowerEdge(5)).toBe(2);
  });

  it('gives every finite score a bin for a range one subnormal step wide or wider than the largest double', () => {
    const tiny = new ScoreBins({ bins: 4, min: 0, max: 5e-324 });
    expect([-1, 0, 5e-324, 1].map((s) => tiny.indexOf(s))).toEqual([0, 0, 3, 3]); // the bin width 5e-324 / 4 underflows to 0
    const huge = new ScoreBins({ bins: 4, min: -Number.MAX_VALUE, max: Number.MAX_VALUE });
    expect([-Number.MAX_VALUE, -5e307, 0, 1e308, Number.MAX_VALUE].map((s) => huge.indexOf(s))).toEqual([0, 1, 2, 3, 3]);
    expect([0, 2].map((b) => huge.lowerEdge(b))).toEqual([-Number.MAX_VALUE, 0]);
  });

  it('rejects an inverted or non-finite range and a bad bin count', () => {
    expect(() => new ScoreBins({ min: 1, max: 0 })).toThrow(MetricsInputError);
    expect(() => new ScoreBins({ min: 0, max: Infinity })).toThrow(/must be finite/);
    expect(() => new ScoreBins({ bins: 0, min: 0, max: 1 })).toThrow(MetricsInputError);
  });
});
