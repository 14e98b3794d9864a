/**
 * How many defective test images it takes to show a miss-rate target with confidence.
 *
 * With n defective images and 0 misses, the Clopper-Pearson upper bound of the miss rate has a closed form:
 *   one-sided (level 1 - alpha):          upper = 1 - alpha^(1/n)
 *   two-sided, equal tails (as shown by {@link clopperPearsonInterval}): upper = 1 - (alpha/2)^(1/n)
 * (BetaQuantile(q; 1, n) = 1 - (1 - q)^(1/n)). The target maxMissRate p is shown when upper <= p, i.e.
 *   n >= ln(alpha') / ln(1 - p),  alpha' = alpha (one-sided) or alpha / 2 (two-sided).
 * At 95 % and p = 0.5 %: 598 (one-sided; the "rule of three" 3 / p = 600 approximates it) and 736 (two-sided).
 * Every miss raises the count further, so these are the least numbers that can show the target.
 */
import { MetricsInputError } from './validate';

export type IntervalSides = 'one-sided' | 'two-sided';

export interface SampleSizeOptions {
  /** default 0.95 */
  readonly confidence?: number;
  /** default 'two-sided' (the interval the platform shows) */
  readonly sides?: IntervalSides;
}

function tailProbability(o: SampleSizeOptions): number {
  const confidence = o.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new MetricsInputError('invalid-argument', `confidence must be in (0, 1), got ${confidence}`);
  const alpha = 1 - confidence;
  return (o.sides ?? 'two-sided') === 'two-sided' ? alpha / 2 : alpha;
}

/** The Clopper-Pearson upper bound of the miss rate after 0 misses among `n` defective images (1 for n = 0). */
export function zeroMissUpperBound(n: number, o: SampleSizeOptions = {}): number {
  if (!Number.isInteger(n) || n < 0) throw new MetricsInputError('invalid-argument', `n must be a non-negative integer, got ${n}`);
  if (n === 0) return 1;
  // 1 - q^(1/n) without cancellation for large n
  return -Math.expm1(Math.log(tailProbability(o)) / n);
}

/**
 * The least number of defective test images that, all caught (0 misses), shows miss rate <= maxMissRate at
 * the given confidence; Infinity for a target of 0 (no finite test shows a zero miss rate).
 */
export function defectiveImagesNeeded(maxMissRate: number, o: SampleSizeOptions = {}): number {
  if (!(maxMissRate >= 0 && maxMissRate <= 1)) throw new MetricsInputError('invalid-argument', `maxMissRate must be in [0, 1], got ${maxMissRate}`);
  const q = tailProbability(o);
  if (maxMissRate === 0) return Infinity;
  if (maxMissRate === 1) return 0;
  let n = Math.max(1, Math.ceil(Math.log(q) / Math.log1p(-maxMissRate)));
  // the closed form is exact; guard the last unit against rounding of the logarithms
  while (n > 1 && zeroMissUpperBound(n - 1, o) <= maxMissRate) n--;
  while (zeroMissUpperBound(n, o) > maxMissRate) n++;
  return n;
}
