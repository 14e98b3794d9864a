/**
 * Precision-recall curve and average precision (AP), defective = positive class.
 *
 * AP follows scikit-learn's `average_precision_score` step definition (no interpolation):
 *   AP = sum over distinct thresholds t, in descending order, of (R(t) - R(t_prev)) * P(t)
 * with R(+Infinity) = 0. Tied scores form one threshold, so ties are never split.
 * The curve holds one point per distinct score; it does NOT include the conventional
 * (recall 0, precision 1) anchor that scikit-learn appends (add it when plotting if wanted).
 *
 * Undefined (`null`) when there are no defective samples. With no good samples, precision is 1
 * everywhere and AP = 1.
 */
import { sortScoresByClass } from './sorted-scores';
import { sweepFromSorted, ThresholdSweep } from './sweep';
import { NumericArray } from './validate';

export interface PrCurve {
  /** shape [k]: distinct scores, descending */
  readonly thresholds: Float64Array;
  /** shape [k]: TP / (TP + FP) at each threshold */
  readonly precision: Float64Array;
  /** shape [k]: TP / nDefective, non-decreasing */
  readonly recall: Float64Array;
}

/** PR curve from a sweep (skips the +Infinity candidate, where precision is undefined); null when no defectives. */
export function prCurveFromSweep(sweep: ThresholdSweep): PrCurve | null {
  if (sweep.nDefective === 0) return null;
  const k = sweep.thresholds.length - 1;
  const precision = new Float64Array(k);
  const recall = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const tp = sweep.tp[i + 1];
    precision[i] = tp / (tp + sweep.fp[i + 1]);
    recall[i] = tp / sweep.nDefective;
  }
  return { thresholds: sweep.thresholds.slice(1), precision, recall };
}

/** Average precision from a sweep (scikit-learn step definition); null when no defectives. */
export function averagePrecisionFromSweep(sweep: ThresholdSweep): number | null {
  const { tp, fp, nDefective } = sweep;
  if (nDefective === 0) return null;
  let sum = 0;
  for (let i = 1; i < tp.length; i++) {
    const gained = tp[i] - tp[i - 1];
    if (gained > 0) sum += gained * (tp[i] / (tp[i] + fp[i]));
  }
  return sum / nDefective;
}

/**
 * PR curve of image scores.
 * @param predScores - shape [n], finite
 * @param gtLabels - shape [n], 0 = good, 1 = defective
 */
export function prCurve(predScores: NumericArray, gtLabels: NumericArray): PrCurve | null {
  return prCurveFromSweep(sweepFromSorted(sortScoresByClass(predScores, gtLabels)));
}

/**
 * Average precision of image scores. O(n log n).
 * @param predScores - shape [n], finite
 * @param gtLabels - shape [n], 0 = good, 1 = defective
 * @returns AP in [0, 1], or null when there are no defective samples
 */
export function averagePrecision(predScores: NumericArray, gtLabels: NumericArray): number | null {
  return averagePrecisionFromSweep(sweepFromSorted(sortScoresByClass(predScores, gtLabels)));
}
