/**
 * Image scores from a per-pixel anomaly map: mean, max, standard deviation, top-k mean.
 * All functions take the map as a flat array (shape [H*W], or any shape flattened) of finite
 * numbers, at least one value, and accumulate in float64.
 */
import { assertFiniteValues, assertInRange, assertInteger, MetricsInputError, NumericArray } from './validate';

function checkMap(map: NumericArray): void {
  if (map.length === 0) throw new MetricsInputError('empty-input', 'anomaly map is empty');
  assertFiniteValues(map, 'anomaly map');
}

/** Arithmetic mean. @param map - shape [H*W] */
export function mapMean(map: NumericArray): number {
  checkMap(map);
  let sum = 0;
  for (let i = 0; i < map.length; i++) sum += map[i];
  return sum / map.length;
}

/** Maximum. @param map - shape [H*W] */
export function mapMax(map: NumericArray): number {
  checkMap(map);
  let m = -Infinity;
  for (let i = 0; i < map.length; i++) if (map[i] > m) m = map[i];
  return m;
}

/**
 * POPULATION standard deviation (divides by N, numpy's default ddof = 0), computed in two passes
 * (mean first) for numerical stability. A single value gives 0.
 * @param map - shape [H*W]
 */
export function mapStd(map: NumericArray): number {
  const mean = mapMean(map);
  let ss = 0;
  for (let i = 0; i < map.length; i++) {
    const d = map[i] - mean;
    ss += d * d;
  }
  return Math.sqrt(ss / map.length);
}

/** How many of the highest values a top-k mean averages. */
export type TopK =
  /** exactly `count` values (integer >= 1; capped at the map size) */
  | { readonly count: number }
  /** ceil(fraction * N) values, at least 1; fraction in (0, 1] */
  | { readonly fraction: number };

/** Resolves a {@link TopK} to a count for a map of `n` values. */
export function resolveTopK(topK: TopK, n: number): number {
  if ('count' in topK) {
    assertInteger(topK.count, 1, Number.MAX_SAFE_INTEGER, 'topK.count');
    return Math.min(topK.count, n);
  }
  assertInRange(topK.fraction, 0, 1, 'topK.fraction');
  if (topK.fraction === 0) throw new MetricsInputError('invalid-argument', 'topK.fraction must be > 0');
  return Math.max(1, Math.min(n, Math.ceil(topK.fraction * n)));
}

/**
 * Mean of the k largest values (ties: any k of the tied values give the same mean).
 * O(N log N) on a float64 copy.
 * @param map - shape [H*W]
 */
export function mapTopKMean(map: NumericArray, topK: TopK): number {
  checkMap(map);
  const k = resolveTopK(topK, map.length);
  const sorted = Float64Array.from(map).sort();
  let sum = 0;
  for (let i = sorted.length - k; i < sorted.length; i++) sum += sorted[i];
  return sum / k;
}

export type AggregateMethod = 'mean' | 'max' | 'std' | { readonly topK: TopK };

/**
 * Image score of an anomaly map by the given method.
 * @param map - shape [H*W]
 */
export function aggregateMap(map: NumericArray, method: AggregateMethod): number {
  if (method === 'mean') return mapMean(map);
  if (method === 'max') return mapMax(map);
  if (method === 'std') return mapStd(map);
  if (typeof method === 'object' && method && 'topK' in method) return mapTopKMean(map, method.topK);
  throw new MetricsInputError('invalid-argument', `unknown aggregation ${JSON.stringify(method)}`);
}
