/**
 * Latency summaries over a list of timings (any unit; the summary is in the same unit, usually ms).
 *
 * Percentiles use linear interpolation between closest ranks, numpy's default ("linear",
 * Hyndman & Fan type 7): for sorted values v[0..n-1] and p in [0, 100],
 * h = (n - 1) * p / 100, result = v[floor h] + (h - floor h) * (v[floor h + 1] - v[floor h]).
 * So p50 of [1, 2, 3, 4] is 2.5, and p0 / p100 are the min / max.
 */
import { assertFiniteValues, assertInRange, MetricsInputError, NumericArray } from './validate';

export interface LatencySummary {
  readonly n: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Percentile of values already sorted ascending (linear interpolation, numpy default).
 * @param sortedAsc - shape [n], n >= 1, ascending
 * @param p - percentile in [0, 100]
 */
export function percentileOfSorted(sortedAsc: ArrayLike<number>, p: number): number {
  assertInRange(p, 0, 100, 'p');
  const n = sortedAsc.length;
  if (n === 0) throw new MetricsInputError('empty-input', 'a percentile of no values is undefined');
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sortedAsc[lo] + (h - lo) * (sortedAsc[hi] - sortedAsc[lo]);
}

/**
 * Percentile of unsorted values (copies and sorts, O(n log n)).
 * @param values - shape [n], finite, n >= 1
 * @param p - in [0, 100]
 */
export function percentile(values: NumericArray, p: number): number {
  assertFiniteValues(values, 'values');
  return percentileOfSorted(Float64Array.from(values).sort(), p);
}

/**
 * Mean, p50, p95, p99, min, max and count of timings.
 * @param timings - shape [n], finite and >= 0
 * @returns null when there are no timings
 * @throws MetricsInputError on NaN, infinite or negative timings
 */
export function latencySummary(timings: NumericArray): LatencySummary | null {
  assertFiniteValues(timings, 'timings');
  for (let i = 0; i < timings.length; i++) {
    if (timings[i] < 0) throw new MetricsInputError('invalid-argument', `timings[${i}] is ${timings[i]}; timings must be >= 0`);
  }
  const n = timings.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(timings).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return {
    n,
    mean: sum / n,
    p50: percentileOfSorted(sorted, 50),
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
    min: sorted[0],
    max: sorted[n - 1],
  };
}
