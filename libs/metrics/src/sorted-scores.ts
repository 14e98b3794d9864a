/**
 * Scores split by class and sorted once, so that the confusion at ANY threshold costs two binary
 * searches (O(log n)) instead of a pass over the raw scores. This is what a threshold simulator
 * (a slider over arbitrary values) should hold in memory.
 */
import { ConfusionMetrics, metricsFromCounts } from './confusion';
import { assertThreshold, NumericArray, validateScoresAndLabels } from './validate';

/** Good and defective scores, each sorted ascending (Float64Array numeric order). */
export interface SortedScores {
  /** shape [nGood], ascending */
  readonly good: Float64Array;
  /** shape [nDefective], ascending */
  readonly defective: Float64Array;
}

/**
 * Splits scores by label and sorts each class ascending. O(n log n), 8 bytes per score.
 * @param predScores - shape [n], finite
 * @param gtLabels - shape [n], 0 = good, 1 = defective
 * @throws MetricsInputError on invalid input (see validate.ts)
 */
export function sortScoresByClass(predScores: NumericArray, gtLabels: NumericArray): SortedScores {
  const { nGood, nDefective } = validateScoresAndLabels(predScores, gtLabels);
  const good = new Float64Array(nGood);
  const defective = new Float64Array(nDefective);
  let g = 0;
  let d = 0;
  for (let i = 0; i < predScores.length; i++) {
    if (gtLabels[i] === 1) defective[d++] = predScores[i];
    else good[g++] = predScores[i];
  }
  good.sort();
  defective.sort();
  return { good, defective };
}

/**
 * First index of an ascending array whose value is `>= threshold` (`n` when none is; binary search, O(log n)).
 * @param sortedAsc - shape [n], ascending, no NaN
 */
export function firstAtOrAbove(sortedAsc: ArrayLike<number>, threshold: number): number {
  let lo = 0;
  let hi = sortedAsc.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sortedAsc[mid] < threshold) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Number of entries `>= threshold` in an ascending array (binary search, O(log n)).
 * @param sortedAsc - shape [n], ascending, no NaN
 */
export function countAtOrAbove(sortedAsc: ArrayLike<number>, threshold: number): number {
  return sortedAsc.length - firstAtOrAbove(sortedAsc, threshold);
}

/**
 * Confusion counts and rates at an arbitrary threshold from pre-sorted scores, O(log n).
 * Same semantics as `confusionAtThreshold` (flagged when score >= threshold).
 * @param sorted - from {@link sortScoresByClass}
 * @param threshold - any number except NaN
 */
export function confusionFromSorted(sorted: SortedScores, threshold: number): ConfusionMetrics {
  assertThreshold(threshold);
  const tp = countAtOrAbove(sorted.defective, threshold);
  const fp = countAtOrAbove(sorted.good, threshold);
  return metricsFromCounts(
    { tp, fp, tn: sorted.good.length - fp, fn: sorted.defective.length - tp },
    threshold,
  );
}
