/**
 * Confusion counts and rates at one threshold.
 *
 * Convention used across the library: a sample is flagged "defective" when
 * `score >= threshold`. Labels: 0 = good, 1 = defective (the positive class).
 *
 * Rates on an empty denominator are `null` (never NaN): see {@link ConfusionMetrics}.
 */
import { assertThreshold, NumericArray, validateScoresAndLabels } from './validate';

/** Raw counts. Positive = defective. */
export interface ConfusionCounts {
  /** defective and flagged */
  readonly tp: number;
  /** good but flagged (overkill) */
  readonly fp: number;
  /** good and passed */
  readonly tn: number;
  /** defective but passed (miss / escape) */
  readonly fn: number;
}

/**
 * Counts plus every rate derived from them. A rate whose denominator is zero is `null`:
 * - `missRate` = FN / (TP + FN): null when there are no defective samples.
 * - `overkillRate` = FP / (FP + TN): null when there are no good samples.
 * - `accuracy` = (TP + TN) / n: null when n = 0.
 * - `precision` = TP / (TP + FP): null when nothing is flagged.
 * - `recall` = TP / (TP + FN) = 1 - missRate: null when there are no defective samples.
 * - `f1` = 2 TP / (2 TP + FP + FN): null only when TP + FP + FN = 0 (no defective samples and
 *   nothing flagged); it is 0 when defectives exist but none is caught.
 */
export interface ConfusionMetrics extends ConfusionCounts {
  /** The threshold used: flagged means score >= threshold. May be +/-Infinity. */
  readonly threshold: number;
  readonly nGood: number;
  readonly nDefective: number;
  readonly n: number;
  readonly missRate: number | null;
  readonly overkillRate: number | null;
  readonly accuracy: number | null;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
}

/** `num / den`, or `null` when `den` is 0. */
export function safeRatio(num: number, den: number): number | null {
  return den === 0 ? null : num / den;
}

/**
 * Derives every rate from counts (see {@link ConfusionMetrics} for the empty-class rules).
 * @param counts - tp, fp, tn, fn (non-negative integers)
 * @param threshold - recorded in the result as-is
 */
export function metricsFromCounts(counts: ConfusionCounts, threshold: number): ConfusionMetrics {
  const { tp, fp, tn, fn } = counts;
  const nGood = fp + tn;
  const nDefective = tp + fn;
  const n = nGood + nDefective;
  return {
    threshold,
    tp,
    fp,
    tn,
    fn,
    nGood,
    nDefective,
    n,
    missRate: safeRatio(fn, nDefective),
    overkillRate: safeRatio(fp, nGood),
    accuracy: safeRatio(tp + tn, n),
    precision: safeRatio(tp, tp + fp),
    recall: safeRatio(tp, nDefective),
    f1: safeRatio(2 * tp, 2 * tp + fp + fn),
  };
}

/**
 * Confusion counts and rates at a threshold, in O(n).
 * @param predScores - shape [n], finite image scores (higher = more anomalous)
 * @param gtLabels - shape [n], 0 = good, 1 = defective
 * @param threshold - flagged when `score >= threshold`; +Infinity flags nothing, -Infinity everything
 * @throws MetricsInputError on NaN/non-finite scores, labels other than 0/1, length mismatch, NaN threshold
 */
export function confusionAtThreshold(predScores: NumericArray, gtLabels: NumericArray, threshold: number): ConfusionMetrics {
  validateScoresAndLabels(predScores, gtLabels);
  assertThreshold(threshold);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < predScores.length; i++) {
    const flagged = predScores[i] >= threshold;
    if (gtLabels[i] === 1) {
      if (flagged) tp++;
      else fn++;
    } else if (flagged) fp++;
    else tn++;
  }
  return metricsFromCounts({ tp, fp, tn, fn }, threshold);
}
