import { latencySummary, percentile, percentileOfSorted } from './latency';

describe('latency summary', () => {
  it('matches numpy.percentile (linear) on a fixture', () => {
    // numpy 2.4: np.percentile(v, [50, 95, 99]) = 8.0, 70.5, 94.1 ; mean 19.25
    const v = [12.5, 3.0, 7.25, 100.0, 8.0, 8.0, 9.5, 41.0, 5.5, 6.0, 11.0];
    const s = latencySummary(v)!;
    expect(s).toMatchObject({ n: 11, min: 3, max: 100, p50: 8 });
    expect(s.mean).toBeCloseTo(19.25, 12);
    expect(s.p95).toBeCloseTo(70.5, 12);
    expect(s.p99).toBeCloseTo(94.1, 12);
  });

  it('interpolates between ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([4, 1, 3, 2], 0)).toBe(1);
    expect(percentile([4, 1, 3, 2], 100)).toBe(4);
    expect(percentileOfSorted([10], 99)).toBe(10);
  });

  it('one timing; none; invalid timings', () => {
    expect(latencySummary([5])).toEqual({ n: 1, mean: 5, p50: 5, p95: 5, p99: 5, min: 5, max: 5 });
    expect(latencySummary([])).toBeNull();
    expect(() => latencySummary([1, NaN])).toThrow(/timings\[1\] is NaN/);
    expect(() => latencySummary([1, -2])).toThrow(/timings\[1\] is -2/);
    expect(() => percentile([1], 101)).toThrow(/p is 101/);
    expect(() => percentile([], 50)).toThrow(/no values/);
  });
});
