import { assertScoreRange, fractionOfRange, pointInRange } from './score-range';
import { assertInteger } from './validate';

/** Bin count and score range of a binned (bounded-memory) pixel metric. */
export interface ScoreBinsOptions {
  /** Number of equal-width bins (default 65536). */
  readonly bins?: number;
  /** Lowest score the bins cover; lower scores fall into the first bin. */
  readonly min: number;
  /** Highest score the bins cover; higher scores fall into the last bin. */
  readonly max: number;
}

/**
 * Equal-width bins over [min, max], shared by the binned pixel AUROC and the binned AUPRO.
 * Every finite score gets a bin index in [0, count - 1] (never NaN), whatever the range: a single
 * value (min = max) puts every score in the first bin; a range a few subnormals wide or one wider
 * than the largest double is handled by {@link fractionOfRange} instead of a bin width that would
 * underflow to 0 or overflow to Infinity.
 */
export class ScoreBins {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  /** bins per score unit, when that is a finite, positive number (the fast path of indexOf) */
  private readonly scale: number;

  /** @throws MetricsInputError for a bin count outside [1, 2^26] or a non-finite or inverted range */
  constructor(options: ScoreBinsOptions) {
    const bins = options.bins ?? 65536;
    assertInteger(bins, 1, 1 << 26, 'bins');
    assertScoreRange(options.min, options.max, 'bin range');
    this.count = bins;
    this.min = options.min;
    this.max = options.max;
    const scale = bins / (this.max - this.min);
    this.scale = Number.isFinite(scale) && scale > 0 ? scale : 0;
  }

  /** The bin of a finite `score`, clamped to the first and last bin. */
  indexOf(score: number): number {
    if (this.max === this.min) return 0;
    // the plain product where the scale is finite; subnormal-wide and overflowing ranges go the safe way
    const b = Math.floor(this.scale > 0 ? (score - this.min) * this.scale : fractionOfRange(score, this.min, this.max) * this.count);
    return b <= 0 ? 0 : b >= this.count ? this.count - 1 : b;
  }

  /** The lower edge of bin `b` (every bin's edge is `min` when the range is a single value). */
  lowerEdge(b: number): number {
    return this.max > this.min ? pointInRange(this.min, this.max, b / this.count) : this.min;
  }
}
