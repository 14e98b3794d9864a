import { aggregateMap, mapMax, mapMean, mapStd, mapTopKMean, resolveTopK } from './aggregate';

describe('anomaly-map aggregation', () => {
  const map = new Float32Array([0.1, 0.5, 0.2, 0.9, 0.4, 0.4]);

  it('mean, max, population std (numpy ddof=0), top-k mean', () => {
    expect(mapMean(map)).toBeCloseTo(2.5 / 6, 7);
    expect(mapMax(map)).toBeCloseTo(0.9, 7);
    expect(mapStd(map)).toBeCloseTo(0.25440562537456246, 7); // numpy a.std()
    expect(mapTopKMean(map, { count: 2 })).toBeCloseTo(0.7, 7);
    expect(mapTopKMean(map, { fraction: 0.5 })).toBeCloseTo((0.9 + 0.5 + 0.4) / 3, 7);
    expect(aggregateMap(map, 'std')).toBe(mapStd(map));
    expect(aggregateMap(map, { topK: { count: 1 } })).toBe(mapMax(map));
  });

  it('top-k: count capped at the map size, fraction rounds up and takes at least one', () => {
    expect(resolveTopK({ count: 100 }, 6)).toBe(6);
    expect(resolveTopK({ fraction: 0.01 }, 6)).toBe(1);
    expect(resolveTopK({ fraction: 1 }, 6)).toBe(6);
    expect(mapTopKMean(map, { fraction: 1 })).toBeCloseTo(mapMean(map), 12);
    expect(() => resolveTopK({ count: 0 }, 6)).toThrow(/topK.count is 0/);
    expect(() => resolveTopK({ fraction: 0 }, 6)).toThrow(/fraction must be > 0/);
    expect(() => resolveTopK({ fraction: 1.5 }, 6)).toThrow(/topK.fraction is 1.5/);
  });

  it('degenerate maps: one value, all equal, empty, NaN', () => {
    expect(mapStd([3])).toBe(0);
    expect(mapStd([2, 2, 2])).toBe(0);
    expect(() => mapMean([])).toThrow(/anomaly map is empty/);
    expect(() => mapMax([0.1, NaN])).toThrow(/anomaly map\[1\] is NaN/);
    expect(() => aggregateMap(map, 'median' as never)).toThrow(/unknown aggregation/);
  });
});
