/**
 * Operating points: choosing a threshold on one set of scores (the validation split) and applying
 * it, unchanged, to another (the test split).
 *
 * Rules, applied exactly (integer counts, no interpolation):
 * - Flagged means `score >= threshold`. Candidate thresholds are the distinct fit scores plus
 *   +Infinity ("flag nothing"); every threshold returned by a fit is one of them, so it is an
 *   achievable cut and tied scores are never split. A threshold below the lowest score is
 *   equivalent to the lowest score ("flag everything"), so it is not a separate candidate.
 * - Constraints compare the rate as reported (`FN / nDefective <= maxMissRate`, computed in
 *   floating point exactly as `missRate` is reported), so a fitted point always reports a rate that
 *   satisfies its constraint.
 * - An empty class cannot be wrong: when the fit set has no defective samples, every candidate
 *   satisfies a miss constraint (and a miss objective is 0 everywhere); likewise for good samples
 *   and overkill. Reported rates for an empty class are still `null`.
 * - Both constrained problems are always feasible for targets in [0, 1]: flagging everything
 *   gives miss 0, flagging nothing gives overkill 0.
 *
 * Per kind:
 * - `min-overkill-at-miss`: minimise FP subject to missRate <= maxMissRate; among candidates with
 *   that minimal FP, take the one with the fewest misses (i.e. the lowest such threshold). With
 *   maxMissRate = 0 the result is exactly the lowest defective score (every defect flagged; good
 *   samples tied with it are flagged too, as they must be); with no defective samples it is +Infinity.
 * - `min-miss-at-overkill`: minimise FN subject to overkillRate <= maxOverkillRate; among
 *   candidates with that minimal FN, the fewest false alarms (the highest such threshold).
 * - `max-f1`: maximise F1 = 2TP / (2TP + FP + FN), compared as exact fractions; ties go to the
 *   candidate with fewer errors (FP + FN), which makes the choice unique. With no defective
 *   samples F1 is undefined everywhere and the result is +Infinity (nothing flagged, no errors).
 * - `fixed`: the given threshold, reported on both sets.
 *
 * Cost: O(n log n) for the sweep, then O(k) per point (k = number of distinct scores).
 * Note: +Infinity is not representable in JSON (JSON.stringify gives null); serialise it explicitly.
 */
import { confusionAtThreshold, ConfusionMetrics } from './confusion';
import { confusionFromSorted, sortScoresByClass } from './sorted-scores';
import { sweepFromSorted, sweepMetricsAt, ThresholdSweep } from './sweep';
import { assertInRange, assertThreshold, MetricsInputError, NumericArray } from './validate';

/** What to optimise. Rates are fractions in [0, 1] (0.005 = 0.5 %). */
export type OperatingPointSpec =
  | { readonly kind: 'min-overkill-at-miss'; readonly maxMissRate: number }
  | { readonly kind: 'min-miss-at-overkill'; readonly maxOverkillRate: number }
  | { readonly kind: 'max-f1' }
  | { readonly kind: 'fixed'; readonly threshold: number };

/** A threshold chosen on the fit set, with the fit set's figures at that threshold. */
export interface FittedOperatingPoint {
  readonly spec: OperatingPointSpec;
  /** flagged when score >= threshold; may be +Infinity (flag nothing) */
  readonly threshold: number;
  /** counts and rates on the set the threshold was fitted on */
  readonly fit: ConfusionMetrics;
}

/** A fitted point plus its figures on another set (the same threshold, unchanged). */
export interface AppliedOperatingPoint extends FittedOperatingPoint {
  readonly applied: ConfusionMetrics;
}

function assertSpec(spec: OperatingPointSpec): void {
  switch (spec.kind) {
    case 'min-overkill-at-miss':
      assertInRange(spec.maxMissRate, 0, 1, 'maxMissRate');
      return;
    case 'min-miss-at-overkill':
      assertInRange(spec.maxOverkillRate, 0, 1, 'maxOverkillRate');
      return;
    case 'max-f1':
      return;
    case 'fixed':
      assertThreshold(spec.threshold);
      return;
    default: {
      const never: never = spec;
      throw new MetricsInputError('invalid-argument', `unknown operating point kind ${JSON.stringify(never)}`);
    }
  }
}

/** Sweep index of the lowest-FP candidate with missRate <= maxMissRate (ties: fewest misses). */
export function indexMinOverkillAtMiss(sweep: ThresholdSweep, maxMissRate: number): number {
  assertInRange(maxMissRate, 0, 1, 'maxMissRate');
  const { tp, fp, nDefective } = sweep;
  const last = tp.length - 1;
  let i = 0;
  // misses only decrease as i grows, so the feasible candidates are a suffix; FP is
  // non-decreasing, so the first feasible candidate has the minimal FP.
  if (nDefective > 0) {
    while (i < last && (nDefective - tp[i]) / nDefective > maxMissRate) i++;
  }
  while (i < last && fp[i + 1] === fp[i]) i++;
  return i;
}

/** Sweep index of the lowest-FN candidate with overkillRate <= maxOverkillRate (ties: fewest false alarms). */
export function indexMinMissAtOverkill(sweep: ThresholdSweep, maxOverkillRate: number): number {
  assertInRange(maxOverkillRate, 0, 1, 'maxOverkillRate');
  const { tp, fp, nGood } = sweep;
  const last = tp.length - 1;
  let i = last;
  // false alarms only grow with i, so the feasible candidates are a prefix; TP is
  // non-decreasing, so the last feasible candidate has the minimal FN.
  if (nGood > 0) {
    while (i > 0 && fp[i] / nGood > maxOverkillRate) i--;
  }
  while (i > 0 && tp[i - 1] === tp[i]) i--;
  return i;
}

/** Sweep index of the F1-optimal candidate (ties: fewer errors); 0 (+Infinity) when there are no defectives. */
export function indexMaxF1(sweep: ThresholdSweep): number {
  const { tp, fp, nDefective } = sweep;
  if (nDefective === 0) return 0;
  let best = 0;
  let bestNum = 0;
  let bestDen = 2 * tp[0] + fp[0] + (nDefective - tp[0]);
  for (let i = 1; i < tp.length; i++) {
    const errors = fp[i] + (nDefective - tp[i]);
    const num = 2 * tp[i];
    const den = num + errors;
    // integers below 2^53: exact cross-multiplication
    const lhs = num * bestDen;
    const rhs = bestNum * den;
    if (lhs > rhs || (lhs === rhs && den - num < bestDen - bestNum)) {
      best = i;
      bestNum = num;
      bestDen = den;
    }
  }
  return best;
}

/** Sweep index whose counts equal those at an arbitrary threshold t (smallest candidate >= t). */
export function indexForThreshold(sweep: ThresholdSweep, threshold: number): number {
  assertThreshold(threshold);
  const t = sweep.thresholds; // descending; t[0] = +Infinity >= any threshold
  let lo = 0;
  let hi = t.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (t[mid] >= threshold) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Fits one operating point on a precomputed sweep. O(k).
 * @param sweep - from `thresholdSweep(predScores, gtLabels)` of the fit (validation) set
 */
export function fitOperatingPointOnSweep(sweep: ThresholdSweep, spec: OperatingPointSpec): FittedOperatingPoint {
  assertSpec(spec);
  switch (spec.kind) {
    case 'fixed': {
      const fit = { ...sweepMetricsAt(sweep, indexForThreshold(sweep, spec.threshold)), threshold: spec.threshold };
      return { spec, threshold: spec.threshold, fit };
    }
    case 'min-overkill-at-miss':
      return fromIndex(sweep, spec, indexMinOverkillAtMiss(sweep, spec.maxMissRate));
    case 'min-miss-at-overkill':
      return fromIndex(sweep, spec, indexMinMissAtOverkill(sweep, spec.maxOverkillRate));
    case 'max-f1':
      return fromIndex(sweep, spec, indexMaxF1(sweep));
  }
}

function fromIndex(sweep: ThresholdSweep, spec: OperatingPointSpec, i: number): FittedOperatingPoint {
  const fit = sweepMetricsAt(sweep, i);
  return { spec, threshold: fit.threshold, fit };
}

/**
 * Fits several operating points on one set of scores (one sort shared by all). O(n log n).
 * @param predScores - shape [n], finite fit-set (validation) scores
 * @param gtLabels - shape [n], 0 = good, 1 = defective
 * @throws MetricsInputError on invalid scores/labels or an out-of-range target
 */
export function fitOperatingPoints(
  predScores: NumericArray,
  gtLabels: NumericArray,
  specs: readonly OperatingPointSpec[],
): FittedOperatingPoint[] {
  specs.forEach(assertSpec);
  const sweep = sweepFromSorted(sortScoresByClass(predScores, gtLabels));
  return specs.map((spec) => fitOperatingPointOnSweep(sweep, spec));
}

/**
 * Applies fitted thresholds, unchanged, to another set (the test split). O(m log m) for m scores.
 * @param predScores - shape [m], finite
 * @param gtLabels - shape [m], 0 = good, 1 = defective
 */
export function applyOperatingPoints(
  points: readonly FittedOperatingPoint[],
  predScores: NumericArray,
  gtLabels: NumericArray,
): AppliedOperatingPoint[] {
  if (points.length === 1) {
    return [{ ...points[0], applied: confusionAtThreshold(predScores, gtLabels, points[0].threshold) }];
  }
  const sorted = sortScoresByClass(predScores, gtLabels);
  return points.map((p) => ({ ...p, applied: confusionFromSorted(sorted, p.threshold) }));
}

/** Scores and labels of one split. */
export interface LabelledScores {
  /** shape [n], finite */
  readonly predScores: NumericArray;
  /** shape [n], 0 = good, 1 = defective */
  readonly gtLabels: NumericArray;
}

/**
 * Fits every spec on `fitSet` (validation) and applies each threshold to `applySet` (test).
 * Returns, per spec, the threshold and the figures on both sets.
 */
export function fitAndApplyOperatingPoints(
  fitSet: LabelledScores,
  applySet: LabelledScores,
  specs: readonly OperatingPointSpec[],
): AppliedOperatingPoint[] {
  const fitted = fitOperatingPoints(fitSet.predScores, fitSet.gtLabels, specs);
  return applyOperatingPoints(fitted, applySet.predScores, applySet.gtLabels);
}
