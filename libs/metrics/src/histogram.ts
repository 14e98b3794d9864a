/**
 * Histograms of good and defective scores on shared bins, with exact confusion figures at every
 * bin edge, so a UI can move a threshold along the edges without the raw scores.
 *
 * Bins: `bins` equal-width bins over [min, max]; edges[0] = min, edges[bins] = max. A score s
 * falls in bin j when edges[j] <= s < edges[j + 1]; the last bin also holds s = max (closed).
 * Scores below min / above max (only possible when the range is given) are counted in
 * `below` / `above`, never dropped: every score is counted exactly once.
 *
 * Edge figures: `atEdges[i]` is the exact confusion at threshold edges[i] (flagged when
 * score >= edges[i]), the same numbers `confusionAtThreshold` gives on the raw scores. Edges
 * are stored once and scores are placed by comparing with the stored edges (a binary search),
 * never by dividing by a bin width, so no rounding can put a score on the wrong side of its edge.
 *
 * Degenerate ranges:
 * - all scores equal (or a given min = max): the range is widened around the value, [v, v + w]
 *   with w = max(1, |v| / 2^20) (see {@link widenSingleValue}), so the bins have a width and
 *   every score lands in the first bin;
 * - a range too narrow for `bins` distinct doubles (e.g. [0, 5e-324]): neighbouring edges
 *   coincide; the bins between equal edges are empty and each score sits in the last bin whose
 *   lower edge it reaches, so counts and edge figures stay exact;
 * - a range wider than the largest double (-1e308 to 1e308): edges are computed without
 *   overflow (see {@link pointInRange}).
 * NaN and +/-Infinity scores are refused with a MetricsInputError naming the index.
 */
import { ConfusionMetrics, metricsFromCounts } from './confusion';
import { assertScoreRange, pointInRange, widenSingleValue } from './score-range';
import { assertInteger, MetricsInputError, NumericArray, validateScoresAndLabels } from './validate';

export interface HistogramOptions {
  /** number of bins, default 50 */
  readonly bins?: number;
  readonly min?: number;
  readonly max?: number;
}

export interface ScoreHistogram {
  /** shape [bins + 1], ascending */
  readonly edges: Float64Array;
  /** shape [bins]: good scores per bin */
  readonly goodCounts: Uint32Array;
  /** shape [bins]: defective scores per bin */
  readonly defectiveCounts: Uint32Array;
  /** scores < edges[0] per class */
  readonly below: { readonly good: number; readonly defective: number };
  /** scores > edges[bins] per class */
  readonly above: { readonly good: number; readonly defective: number };
  /** shape [bins + 1]: exact confusion at threshold edges[i] (score >= edges[i] flagged) */
  readonly atEdges: ConfusionMetrics[];
}

/**
 * Builds the shared-bin histogram and the figures at every edge. O(n log(bins) + bins).
 * @param predScores - shape [n], finite
 * @param gtLabels - shape [n], 0 = good, 1 = defective
 * @throws MetricsInputError on invalid input (a NaN or infinite score names its index), or when
 *   n = 0 and no range is given
 */
export function scoreHistogram(predScores: NumericArray, gtLabels: NumericArray, options: HistogramOptions = {}): ScoreHistogram {
  const { nGood, nDefective } = validateScoresAndLabels(predScores, gtLabels);
  const bins = options.bins ?? 50;
  assertInteger(bins, 1, 1 << 24, 'bins');
  const [min, max] = histogramRange(predScores, options);
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = pointInRange(min, max, i / bins);

  const goodCounts = new Uint32Array(bins);
  const defectiveCounts = new Uint32Array(bins);
  // scores exactly at the top edge (in the last, closed bin) must be known to flag them at edges[bins]
  let goodAtMax = 0;
  let defectiveAtMax = 0;
  const below = { good: 0, defective: 0 };
  const above = { good: 0, defective: 0 };
  for (let i = 0; i < predScores.length; i++) {
    const s = predScores[i];
    const isDefective = gtLabels[i] === 1;
    if (s < min) {
      if (isDefective) below.defective++;
      else below.good++;
      continue;
    }
    if (s > max) {
      if (isDefective) above.defective++;
      else above.good++;
      continue;
    }
    const j = binOf(edges, s);
    if (isDefective) defectiveCounts[j]++;
    else goodCounts[j]++;
    if (s === max) {
      if (isDefective) defectiveAtMax++;
      else goodAtMax++;
    }
  }

  const atEdges: ConfusionMetrics[] = new Array(bins + 1);
  // flagged at edges[bins] = above + scores equal to max; then add bins downwards
  let fp = above.good + goodAtMax;
  let tp = above.defective + defectiveAtMax;
  atEdges[bins] = metricsFromCounts({ tp, fp, tn: nGood - fp, fn: nDefective - tp }, edges[bins]);
  fp = above.good;
  tp = above.defective;
  for (let j = bins - 1; j >= 0; j--) {
    fp += goodCounts[j];
    tp += defectiveCounts[j];
    atEdges[j] = metricsFromCounts({ tp, fp, tn: nGood - fp, fn: nDefective - tp }, edges[j]);
  }
  return { edges, goodCounts, defectiveCounts, below, above, atEdges };
}

/** The given range, else the scores' own [smallest, largest]; widened when it is a single value. */
function histogramRange(predScores: NumericArray, options: HistogramOptions): [number, number] {
  let { min, max } = options;
  if (min === undefined || max === undefined) {
    if (predScores.length === 0) {
      throw new MetricsInputError('empty-input', 'a histogram of no scores needs an explicit min and max');
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < predScores.length; i++) {
      if (predScores[i] < lo) lo = predScores[i];
      if (predScores[i] > hi) hi = predScores[i];
    }
    min ??= lo;
    max ??= hi;
  }
  assertScoreRange(min, max, 'histogram range');
  return max === min ? widenSingleValue(min) : [min, max];
}

/**
 * The last bin j in [0, bins - 1] with edges[j] <= s, for edges[0] <= s <= edges[bins].
 * @param edges - shape [bins + 1], non-decreasing
 */
function binOf(edges: Float64Array, s: number): number {
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (edges[mid] <= s) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
