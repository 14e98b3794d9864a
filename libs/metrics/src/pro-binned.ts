/**
 * AUPRO on a bounded memory budget: pixels are counted into `bins` equal-width score bins over
 * [min, max] (values outside are clamped into the first/last bin). Per bin we keep the number of
 * normal pixels and the sum of 1 / (region size) over defect pixels, so images can be streamed
 * one batch at a time and memory is 16 bytes per bin.
 *
 * Binning is a monotone map of the scores, so each binned curve point IS a point of the exact
 * PRO curve (the one at the cut between two bins); only points inside a bin are skipped. Between
 * two kept points the exact curve stays inside their bounding box, so
 *   |binned AUPRO - exact AUPRO| <= maxAbsError = sum over segments below the limit of
 *   (clipped width) * (PRO rise) / fprLimit,
 * which is returned with the result (conservative). Same definitions as {@link aupro} otherwise.
 */
import { assertMapAndMask, labelConnectedComponents, PixelMap } from './connected-components';
import { areaUpTo, ProCurve } from './pro';
import { ScoreBins } from './score-bins';
import { assertFiniteValues, assertInRange, MetricsInputError } from './validate';

export interface BinnedAuproOptions {
  readonly min: number;
  readonly max: number;
  /** default 65536 */
  readonly bins?: number;
}

export interface BinnedAuproResult {
  readonly aupro: number;
  readonly maxAbsError: number;
  readonly method: 'binned';
  readonly regions: number;
  readonly fprLimit: number;
}

function checkLimit(fprLimit: number): void {
  assertInRange(fprLimit, 0, 1, 'fprLimit');
  if (fprLimit === 0) throw new MetricsInputError('invalid-argument', 'fprLimit must be > 0');
}

/** Streams (anomaly map, mask) pairs into fixed bins for AUPRO. */
export class AuproAccumulator {
  /** shape [bins]: normal pixels per bin (ascending scores) */
  readonly goodCounts: Float64Array;
  /** shape [bins]: sum over defect pixels in the bin of 1 / size of their region */
  readonly regionWeights: Float64Array;
  private regions = 0;
  private added = 0;
  private readonly bins: ScoreBins;

  constructor(options: BinnedAuproOptions) {
    this.bins = new ScoreBins(options);
    this.goodCounts = new Float64Array(this.bins.count);
    this.regionWeights = new Float64Array(this.bins.count);
  }

  /**
   * Adds one image.
   * @param anomalyMap - data shape [H*W], finite
   * @param gtMask - same H and W, 0 = normal, 1 = defective
   */
  add(anomalyMap: PixelMap, gtMask: PixelMap): this {
    const i = this.added;
    assertMapAndMask(anomalyMap, gtMask, i);
    const { labels, sizes, count } = labelConnectedComponents(gtMask);
    const data = anomalyMap.data;
    for (let p = 0; p < data.length; p++) {
      const b = this.bins.indexOf(data[p]);
      const r = labels[p];
      if (r === 0) this.goodCounts[b]++;
      else this.regionWeights[b] += 1 / sizes[r];
    }
    this.regions += count;
    this.added++;
    return this;
  }

  /** The PRO curve at the bin cuts (thresholds are the bins' lower edges); null without regions or normal pixels. */
  curve(): ProCurve | null {
    const bins = this.goodCounts.length;
    let nGood = 0;
    for (let b = 0; b < bins; b++) nGood += this.goodCounts[b];
    if (this.regions === 0 || nGood === 0) return null;
    const thresholds = new Float64Array(bins + 1);
    const fpr = new Float64Array(bins + 1);
    const pro = new Float64Array(bins + 1);
    thresholds[0] = Infinity;
    let fp = 0;
    let overlap = 0;
    for (let b = bins - 1, k = 1; b >= 0; b--, k++) {
      fp += this.goodCounts[b];
      overlap += this.regionWeights[b];
      thresholds[k] = this.bins.lowerEdge(b);
      fpr[k] = fp / nGood;
      pro[k] = Math.min(1, overlap / this.regions);
    }
    return { thresholds, fpr, pro, regions: this.regions };
  }

  /** AUPRO up to `fprLimit` (default 0.3) with its error bound; null without regions or normal pixels. */
  result(fprLimit = 0.3): BinnedAuproResult | null {
    checkLimit(fprLimit);
    const c = this.curve();
    if (!c) return null;
    let bound = 0;
    for (let i = 1; i < c.fpr.length && c.fpr[i - 1] < fprLimit; i++) {
      bound += (Math.min(c.fpr[i], fprLimit) - c.fpr[i - 1]) * (c.pro[i] - c.pro[i - 1]);
    }
    return {
      aupro: areaUpTo(c.fpr, c.pro, fprLimit) / fprLimit,
      maxAbsError: bound / fprLimit,
      method: 'binned',
      regions: c.regions,
      fprLimit,
    };
  }
}

/**
 * Binned AUPRO over in-memory maps; without `min`/`max` a first pass finds the score range.
 * @param anomalyMaps - per image, data shape [H*W], finite
 * @param gtMasks - per image, same H and W, 0/1
 */
export function auproBinned(
  anomalyMaps: readonly PixelMap[],
  gtMasks: readonly PixelMap[],
  options: Partial<BinnedAuproOptions> & { readonly fprLimit?: number } = {},
): BinnedAuproResult | null {
  if (anomalyMaps.length !== gtMasks.length) {
    throw new MetricsInputError('length-mismatch', `${anomalyMaps.length} anomaly maps but ${gtMasks.length} masks; they must match`);
  }
  const fprLimit = options.fprLimit ?? 0.3;
  checkLimit(fprLimit);
  let { min, max } = options;
  if (min === undefined || max === undefined) {
    let lo = Infinity;
    let hi = -Infinity;
    anomalyMaps.forEach((m, i) => {
      assertFiniteValues(m.data, `anomalyMaps[${i}].data`);
      for (let p = 0; p < m.data.length; p++) {
        if (m.data[p] < lo) lo = m.data[p];
        if (m.data[p] > hi) hi = m.data[p];
      }
    });
    if (lo > hi) return null;
    min ??= lo;
    max ??= hi;
  }
  const acc = new AuproAccumulator({ min, max, bins: options.bins });
  anomalyMaps.forEach((m, i) => acc.add(m, gtMasks[i]));
  return acc.result(fprLimit);
}
