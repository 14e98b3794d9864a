/**
 * Pixel-level AUROC over anomaly maps and ground-truth masks, on a bounded memory budget.
 *
 * - Exact (small inputs): every pixel is a sample; identical to image AUROC over the pixels
 *   (Mann-Whitney, ties count 1/2). Memory: 8 bytes per pixel.
 * - Binned (large inputs): pixels are counted into `bins` equal-width bins over [min, max]
 *   (values outside are clamped into the first/last bin), separately for normal and defective
 *   pixels, and pixels that share a bin are treated as tied. Memory: 16 bytes per bin, whatever
 *   the number of pixels; maps can be streamed batch by batch through
 *   {@link PixelAurocAccumulator}. Binning is monotone, so the only error comes from pairs that
 *   share a bin, and it is bounded: |binned - exact| <= maxAbsError = (pairs in a shared bin) /
 *   (2 * all pairs). The bound is returned with the result.
 *
 * Masks: one value per pixel, 1 = defective, 0 = normal (convert 0/255 masks first).
 * The result is `null` when all pixels are normal or all are defective.
 */
import { aurocFromBinnedCounts, aurocFromSorted } from './roc';
import { ScoreBins } from './score-bins';
import {
  assertBinaryLabels,
  assertFiniteValues,
  assertSameLength,
  MetricsInputError,
  NumericArray,
} from './validate';

export interface PixelAurocResult {
  readonly auroc: number;
  readonly method: 'exact' | 'binned';
  /** 0 for exact; for binned, the bound on |binned - exact| described above */
  readonly maxAbsError: number;
  readonly nPixels: number;
  readonly nDefectivePixels: number;
}

function validatePair(map: NumericArray, mask: NumericArray, i: number): number {
  assertSameLength(map, mask, `anomalyMaps[${i}]`, `gtMasks[${i}]`);
  assertFiniteValues(map, `anomalyMaps[${i}]`);
  return assertBinaryLabels(mask, `gtMasks[${i}]`);
}

function validateLists(maps: readonly NumericArray[], masks: readonly NumericArray[]): void {
  if (maps.length !== masks.length) {
    throw new MetricsInputError('length-mismatch', `${maps.length} anomaly maps but ${masks.length} masks; they must match`);
  }
}

/**
 * Exact pixel AUROC. Memory: 8 bytes per pixel; O(P log P) for P pixels.
 * @param anomalyMaps - per image, shape [H*W] (any H, W; row-major), finite
 * @param gtMasks - per image, shape [H*W], 0 = normal, 1 = defective
 * @returns null when a class is empty
 */
export function pixelAurocExact(anomalyMaps: readonly NumericArray[], gtMasks: readonly NumericArray[]): number | null {
  validateLists(anomalyMaps, gtMasks);
  let nDef = 0;
  let nAll = 0;
  anomalyMaps.forEach((map, i) => {
    nDef += validatePair(map, gtMasks[i], i);
    nAll += map.length;
  });
  const good = new Float64Array(nAll - nDef);
  const defective = new Float64Array(nDef);
  let g = 0;
  let d = 0;
  anomalyMaps.forEach((map, i) => {
    const mask = gtMasks[i];
    for (let p = 0; p < map.length; p++) {
      if (mask[p] === 1) defective[d++] = map[p];
      else good[g++] = map[p];
    }
  });
  good.sort();
  defective.sort();
  return aurocFromSorted({ good, defective });
}

export interface BinningOptions {
  /** lower edge of the first bin */
  readonly min: number;
  /** upper edge of the last bin (must be >= min; equal min and max put everything in one bin) */
  readonly max: number;
  /** number of bins; default 65536 (1 MiB of counts) */
  readonly bins?: number;
}

/**
 * Streams pixels into fixed bins: `add()` each batch of maps, then `result()`.
 * Memory is 16 bytes per bin regardless of how many pixels are added.
 */
export class PixelAurocAccumulator {
  /** shape [bins]: normal pixels per bin (ascending scores) */
  readonly goodCounts: Float64Array;
  /** shape [bins]: defective pixels per bin */
  readonly defectiveCounts: Float64Array;
  private readonly bins: ScoreBins;
  private added = 0;

  constructor(options: BinningOptions) {
    this.bins = new ScoreBins(options);
    this.goodCounts = new Float64Array(this.bins.count);
    this.defectiveCounts = new Float64Array(this.bins.count);
  }

  /**
   * Adds one image.
   * @param anomalyMap - shape [H*W], finite
   * @param gtMask - shape [H*W], 0 = normal, 1 = defective
   */
  add(anomalyMap: NumericArray, gtMask: NumericArray): this {
    validatePair(anomalyMap, gtMask, this.added);
    for (let p = 0; p < anomalyMap.length; p++) {
      const b = this.bins.indexOf(anomalyMap[p]);
      if (gtMask[p] === 1) this.defectiveCounts[b]++;
      else this.goodCounts[b]++;
    }
    this.added++;
    return this;
  }

  /** AUROC with its error bound; null when a class is empty. */
  result(): PixelAurocResult | null {
    const r = aurocFromBinnedCounts(this.goodCounts, this.defectiveCounts);
    if (!r) return null;
    let nGood = 0;
    let nDefective = 0;
    for (let b = 0; b < this.goodCounts.length; b++) {
      nGood += this.goodCounts[b];
      nDefective += this.defectiveCounts[b];
    }
    return { ...r, method: 'binned', nPixels: nGood + nDefective, nDefectivePixels: nDefective };
  }
}

/**
 * Binned pixel AUROC over in-memory maps. Without `min`/`max`, a first pass finds the range
 * (two passes, still O(bins) extra memory).
 * @param anomalyMaps - per image, shape [H*W], finite
 * @param gtMasks - per image, shape [H*W], 0/1
 */
export function pixelAurocBinned(
  anomalyMaps: readonly NumericArray[],
  gtMasks: readonly NumericArray[],
  options: Partial<BinningOptions> = {},
): PixelAurocResult | null {
  validateLists(anomalyMaps, gtMasks);
  let { min, max } = options;
  if (min === undefined || max === undefined) {
    let lo = Infinity;
    let hi = -Infinity;
    anomalyMaps.forEach((map, i) => {
      validatePair(map, gtMasks[i], i);
      for (let p = 0; p < map.length; p++) {
        if (map[p] < lo) lo = map[p];
        if (map[p] > hi) hi = map[p];
      }
    });
    if (lo > hi) return null; // no pixels at all
    min ??= lo;
    max ??= hi;
  }
  const acc = new PixelAurocAccumulator({ min, max, bins: options.bins });
  anomalyMaps.forEach((map, i) => acc.add(map, gtMasks[i]));
  return acc.result();
}

export interface PixelAurocOptions {
  /** inputs with at most this many pixels are computed exactly; default 4,194,304 (32 MiB) */
  readonly maxExactPixels?: number;
  /** bins for the binned path; default 65536 */
  readonly bins?: number;
}

/**
 * Pixel AUROC: exact when the total pixel count is at most `maxExactPixels`, binned (two-pass
 * range) above it. The result says which method ran and its error bound.
 * @param anomalyMaps - per image, shape [H*W], finite
 * @param gtMasks - per image, shape [H*W], 0/1
 */
export function pixelAuroc(
  anomalyMaps: readonly NumericArray[],
  gtMasks: readonly NumericArray[],
  options: PixelAurocOptions = {},
): PixelAurocResult | null {
  validateLists(anomalyMaps, gtMasks);
  const maxExact = options.maxExactPixels ?? 4_194_304;
  const total = anomalyMaps.reduce((s, m) => s + m.length, 0);
  if (total > maxExact) return pixelAurocBinned(anomalyMaps, gtMasks, { bins: options.bins });
  const auroc = pixelAurocExact(anomalyMaps, gtMasks);
  if (auroc === null) return null;
  let nDef = 0;
  for (const mask of gtMasks) for (let p = 0; p < mask.length; p++) nDef += mask[p];
  return { auroc, method: 'exact', maxAbsError: 0, nPixels: total, nDefectivePixels: nDef };
}
