/**
 * The threshold sweep: confusion counts at every candidate threshold, computed once in
 * O(n log n) and shared by ROC, PR and the operating points.
 *
 * Candidate thresholds are the distinct score values, in descending order, preceded by
 * +Infinity ("flag nothing"). Any other threshold t is equivalent to a candidate: it flags
 * exactly the samples the smallest candidate >= t flags. So the candidates are every achievable
 * cut, and a threshold read from the sweep is always one of the scores (or +Infinity).
 */
import { ConfusionCounts, ConfusionMetrics, metricsFromCounts } from './confusion';
import { SortedScores, sortScoresByClass } from './sorted-scores';
import { NumericArray } from './validate';

export interface ThresholdSweep {
  readonly nGood: number;
  readonly nDefective: number;
  /** shape [k + 1]: +Infinity, then the k distinct scores in descending order */
  readonly thresholds: Float64Array;
  /** shape [k + 1]: defective samples with score >= thresholds[i] (non-decreasing) */
  readonly tp: Float64Array;
  /** shape [k + 1]: good samples with score >= thresholds[i] (non-decreasing) */
  readonly fp: Float64Array;
}

/**
 * Builds the sweep from scores already split and sorted by class (merge, O(n)).
 * Equal scores (within or across classes) form one candidate, so ties are never split.
 * @param defectiveWeights - optional, shape [nDefective], aligned with `sorted.defective`: each
 *   defective sample then adds its weight to `tp` instead of 1 (used by PRO, where a defect pixel
 *   weighs 1 / size of its region). `nDefective` stays the sample count.
 */
export function sweepFromSorted(sorted: SortedScores, defectiveWeights?: ArrayLike<number>): ThresholdSweep {
  const { good, defective } = sorted;
  const cap = good.length + defective.length + 1;
  const thresholds = new Float64Array(cap);
  const tp = new Float64Array(cap);
  const fp = new Float64Array(cap);
  thresholds[0] = Infinity;
  let g = good.length - 1;
  let d = defective.length - 1;
  let k = 1;
  let cumTp = 0;
  let cumFp = 0;
  while (g >= 0 || d >= 0) {
    // next (largest remaining) distinct value
    const v = g < 0 ? defective[d] : d < 0 ? good[g] : Math.max(good[g], defective[d]);
    while (g >= 0 && good[g] === v) {
      cumFp++;
      g--;
    }
    while (d >= 0 && defective[d] === v) {
      cumTp += defectiveWeights ? defectiveWeights[d] : 1;
      d--;
    }
    thresholds[k] = v === 0 ? 0 : v; // report -0 as 0
    tp[k] = cumTp;
    fp[k] = cumFp;
    k++;
  }
  return {
    nGood: good.length,
    nDefective: defective.length,
    thresholds: thresholds.slice(0, k),
    tp: tp.slice(0, k),
    fp: fp.slice(0, k),
  };
}

/**
 * Validates, sorts and sweeps. O(n log n).
 * @param predScores - shape [n], finite
 * @param gtLabels - shape [n], 0 = good, 1 = defective
 */
export function thresholdSweep(predScores: NumericArray, gtLabels: NumericArray): ThresholdSweep {
  return sweepFromSorted(sortScoresByClass(predScores, gtLabels));
}

/** Counts at candidate `i` of a sweep. */
export function sweepCountsAt(sweep: ThresholdSweep, i: number): ConfusionCounts {
  const tp = sweep.tp[i];
  const fp = sweep.fp[i];
  return { tp, fp, tn: sweep.nGood - fp, fn: sweep.nDefective - tp };
}

/** Counts and rates at candidate `i` of a sweep. */
export function sweepMetricsAt(sweep: ThresholdSweep, i: number): ConfusionMetrics {
  return metricsFromCounts(sweepCountsAt(sweep, i), sweep.thresholds[i]);
}
