import { assertInteger, MetricsInputError } from './validate';

/** Bin count and score range of a binned (bounded-memory) pixel metric. */
export interface ScoreBinsOptions {
  /** Number of equal-width bins (default 65536). */
  readonly bins?: number;
  /** Lowest score the bins cover; lower scores fall into the first bin. */
  readonly min: number;
  /** Highest score the bins cover; higher scores fall into the last bin. */
  readonly max: number;
}

/** Equal-width bins over [min, max], shared by the binned pixel AUROC and the binned AUPRO. */
export class ScoreBins {
  readonly count: number;
  readonly min: number;
  private readonly scale: number;

  /** @throws MetricsInputError for a bin count outside [1, 2^26] or a non-finite or inverted range */
  constructor(options: ScoreBinsOptions) {
    const bins = options.bins ?? 65536;
    assertInteger(bins, 1, 1 << 26, 'bins');
    const { min, max } = options;
    if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) {
      throw new MetricsInputError('invalid-argument', `bin range [${min}, ${max}] must be finite with min <= max`);
    }
    this.count = bins;
    this.min = min;
    this.scale = max > min ? bins / (max - min) : 0;
  }

  /** The bin of `score`, clamped to the first and last bin. */
  indexOf(score: number): number {
    const b = Math.floor((score - this.min) * this.scale);
    return b <= 0 ? 0 : b >= this.count ? this.count - 1 : b;
  }

  /** The lower edge of bin `b` (every bin's edge is `min` when the range is a single value). */
  lowerEdge(b: number): number {
    return this.scale > 0 ? this.min + b / this.scale : this.min;
  }
}
