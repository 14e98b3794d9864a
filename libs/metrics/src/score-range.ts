/**
 * Arithmetic on a score range [lo, hi] that stays exact at the ends and finite for every pair of
 * finite doubles: `hi - lo` overflows to Infinity when lo and hi are huge with opposite signs
 * (-1e308, 1e308), and `(hi - lo) / bins` underflows to 0 when the range is a few subnormals wide
 * ([0, 5e-324]). Histograms, binned pixel metrics and charts place scores through these helpers
 * instead of dividing by a bin width, so neither case can produce NaN or Infinity.
 */
import { MetricsInputError } from './validate';

/** Both ends finite and lo <= hi; throws MetricsInputError naming `what` otherwise. */
export function assertScoreRange(lo: number, hi: number, what: string): void {
  if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) {
    throw new MetricsInputError('invalid-argument', `${what} [${lo}, ${hi}] must be finite with min <= max`);
  }
}

/**
 * The point a fraction `t` of the way from `lo` to `hi`: exactly `lo` at t = 0 and `hi` at t = 1,
 * non-decreasing in t, finite for finite lo <= hi (no overflow of `hi - lo`).
 * @param t - a fraction, usually in [0, 1]
 */
export function pointInRange(lo: number, hi: number, t: number): number {
  if (t <= 0) return lo;
  if (t >= 1) return hi;
  const width = hi - lo;
  // halving is exact for the huge values that make the width overflow
  const p = Number.isFinite(width) ? lo + width * t : 2 * (lo / 2 + (hi / 2 - lo / 2) * t);
  return Math.min(hi, Math.max(lo, p));
}

/**
 * Where `x` lies in [lo, hi] as a fraction: 0 at lo, 1 at hi, below 0 / above 1 outside the range,
 * non-decreasing in x. Finite for finite x and lo < hi however wide or narrow the range (a range of
 * one subnormal step still maps lo to 0 and hi to 1).
 * @returns 0 when lo = hi; never NaN for finite arguments
 */
export function fractionOfRange(x: number, lo: number, hi: number): number {
  if (!(hi > lo)) return 0;
  const width = hi - lo;
  // x - lo may still overflow to +-Infinity for an x far outside a finite range: the sign says which side
  return Number.isFinite(width) ? (x - lo) / width : (x / 2 - lo / 2) / (hi / 2 - lo / 2);
}

/**
 * A range with a width around a single value `v`, for a histogram of scores that are all equal:
 * [v, v + w] with w = max(1, |v| / 2^20), so the step is 1 for ordinary scores and stays above the
 * rounding step of very large ones (1e20 + 1 === 1e20); [v - w, v] where v + w would overflow.
 */
export function widenSingleValue(v: number): [number, number] {
  const w = Math.max(1, Math.abs(v) / 2 ** 20);
  return Number.isFinite(v + w) ? [v, v + w] : [v - w, v];
}
