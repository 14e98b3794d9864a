/**
 * ROC curve and image-level AUROC.
 *
 * AUROC is computed exactly as the Mann-Whitney statistic: the fraction of (good, defective) pairs
 * in which the defective sample scores higher, with tied pairs counting 1/2. This equals the
 * trapezoidal area under the ROC curve through every distinct threshold. All sums are of integers
 * (exact in float64 while 2 * nGood * nDefective < 2^53). O(n log n) for the sort, O(n) after.
 *
 * Undefined (returned as `null`) when either class is empty.
 */
import { SortedScores, sortScoresByClass } from './sorted-scores';
import { sweepFromSorted, ThresholdSweep } from './sweep';
import { NumericArray } from './validate';

/** ROC points, one per candidate threshold, from (0, 0) at +Infinity to (1, 1) at the lowest score. */
export interface RocCurve {
  /** shape [k + 1]: +Infinity, then distinct scores descending */
  readonly thresholds: Float64Array;
  /** shape [k + 1]: overkill rate FP / nGood, non-decreasing */
  readonly fpr: Float64Array;
  /** shape [k + 1]: recall TP / nDefective, non-decreasing */
  readonly tpr: Float64Array;
}

/** ROC curve from a sweep; `null` when either class is empty. */
export function rocCurveFromSweep(sweep: ThresholdSweep): RocCurve | null {
  const { nGood, nDefective } = sweep;
  if (nGood === 0 || nDefective === 0) return null;
  const k = sweep.thresholds.length;
  const fpr = new Float64Array(k);
  const tpr = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    fpr[i] = sweep.fp[i] / nGood;
    tpr[i] = sweep.tp[i] / nDefective;
  }
  return { thresholds: sweep.thresholds, fpr, tpr };
}

/**
 * ROC curve of image scores.
 * @param predScores - shape [n], finite
 * @param gtLabels - shape [n], 0 = good, 1 = defective
 * @returns null when either class is empty
 */
export function rocCurve(predScores: NumericArray, gtLabels: NumericArray): RocCurve | null {
  return rocCurveFromSweep(sweepFromSorted(sortScoresByClass(predScores, gtLabels)));
}

/** Exact AUROC from a sweep (trapezoids over integer counts); `null` when a class is empty. */
export function aurocFromSweep(sweep: ThresholdSweep): number | null {
  const { nGood, nDefective, tp, fp } = sweep;
  if (nGood === 0 || nDefective === 0) return null;
  let twiceCorrect = 0;
  for (let i = 1; i < tp.length; i++) {
    // goods in group i beat every defective above them and tie with defectives in the group
    twiceCorrect += (fp[i] - fp[i - 1]) * (tp[i - 1] + tp[i]);
  }
  return twiceCorrect / (2 * nGood * nDefective);
}

/** Exact AUROC from class-sorted scores by a merge (no curve allocated); `null` when a class is empty. */
export function aurocFromSorted(sorted: SortedScores): number | null {
  const { good, defective } = sorted;
  const nGood = good.length;
  const nDefective = defective.length;
  if (nGood === 0 || nDefective === 0) return null;
  let twiceCorrect = 0;
  let below = 0; // defectives < v
  let atOrBelow = 0; // defectives <= v
  let i = 0;
  while (i < nGood) {
    const v = good[i];
    let count = 0;
    while (i < nGood && good[i] === v) {
      count++;
      i++;
    }
    while (below < nDefective && defective[below] < v) below++;
    if (atOrBelow < below) atOrBelow = below;
    while (atOrBelow < nDefective && defective[atOrBelow] <= v) atOrBelow++;
    // above: nDefective - atOrBelow, tied: atOrBelow - below
    twiceCorrect += count * (2 * (nDefective - atOrBelow) + (atOrBelow - below));
  }
  return twiceCorrect / (2 * nGood * nDefective);
}

/**
 * Exact, tie-aware image AUROC. O(n log n).
 * @param predScores - shape [n], finite
 * @param gtLabels - shape [n], 0 = good, 1 = defective
 * @returns the AUROC in [0, 1], or null when either class is empty
 * @throws MetricsInputError on invalid input
 */
export function auroc(predScores: NumericArray, gtLabels: NumericArray): number | null {
  return aurocFromSorted(sortScoresByClass(predScores, gtLabels));
}

/**
 * AUROC of binned counts, treating all samples of one bin as tied (bins in ascending score order).
 * @param goodCounts - shape [bins]
 * @param defectiveCounts - shape [bins]
 * @returns `auroc`, and `maxAbsError`: the largest possible difference from the exact AUROC of the
 *   raw scores (half the fraction of pairs that share a bin); `null` when a class is empty
 */
export function aurocFromBinnedCounts(
  goodCounts: ArrayLike<number>,
  defectiveCounts: ArrayLike<number>,
): { auroc: number; maxAbsError: number } | null {
  let nGood = 0;
  let nDefective = 0;
  for (let b = 0; b < goodCounts.length; b++) {
    nGood += goodCounts[b];
    nDefective += defectiveCounts[b];
  }
  if (nGood === 0 || nDefective === 0) return null;
  let twiceCorrect = 0;
  let sameBinPairs = 0;
  let above = 0;
  for (let b = goodCounts.length - 1; b >= 0; b--) {
    twiceCorrect += goodCounts[b] * (2 * above + defectiveCounts[b]);
    sameBinPairs += goodCounts[b] * defectiveCounts[b];
    above += defectiveCounts[b];
  }
  const pairs = nGood * nDefective;
  return { auroc: twiceCorrect / (2 * pairs), maxAbsError: sameBinPairs / (2 * pairs) };
}
