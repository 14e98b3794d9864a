/**
 * Confidence intervals for a rate k / n (miss rate, overkill rate, accuracy, ...).
 *
 * Default: Clopper-Pearson "exact" interval (two-sided, equal tails), guaranteed coverage
 * >= the nominal confidence:
 *   lower = BetaQuantile(alpha / 2; k, n - k + 1)      (0 when k = 0)
 *   upper = BetaQuantile(1 - alpha / 2; k + 1, n - k)  (1 when k = n)
 * with alpha = 1 - confidence. Example: 0 misses on 40 defects gives [0, 0.0881] at 95 %.
 * Option: Wilson score interval (shorter, approximate coverage):
 *   (k + z^2/2 +/- z sqrt(k (n - k) / n + z^2 / 4)) / (n + z^2),  z = Phi^-1(1 - alpha / 2).
 * Both are clipped to [0, 1]. With n = 0 the rate is undefined and the result is `null`.
 *
 * Range: Clopper-Pearson is computed for n <= {@link CLOPPER_PEARSON_MAX_N} (1e9 trials), where its
 * bounds are accurate to about 1e-7 relative; above that the incomplete beta function loses its
 * digits to cancellation (at n = 2^53 the bounds come out inverted), so a larger n is refused with
 * a MetricsInputError that suggests Wilson, which is accurate for every n up to 2^53 - 1.
 */
import type { ConfusionMetrics } from './confusion';
import { betaQuantile, normalQuantile } from './special-functions';
import { assertInteger, MetricsInputError } from './validate';

export type IntervalMethod = 'clopper-pearson' | 'wilson';

export interface IntervalOptions {
  /** default 'clopper-pearson' */
  readonly method?: IntervalMethod;
  /** two-sided confidence level in (0, 1); default 0.95 */
  readonly confidence?: number;
}

export interface RateInterval {
  readonly k: number;
  readonly n: number;
  /** k / n */
  readonly rate: number;
  readonly lower: number;
  readonly upper: number;
  readonly confidence: number;
  readonly method: IntervalMethod;
}

function checkArgs(k: number, n: number, confidence: number): void {
  assertInteger(n, 0, Number.MAX_SAFE_INTEGER, 'n');
  assertInteger(k, 0, n, 'k');
  if (!(confidence > 0 && confidence < 1)) {
    throw new MetricsInputError('invalid-argument', `confidence is ${confidence}; it must be in (0, 1), e.g. 0.95`);
  }
}

/** The largest n Clopper-Pearson intervals are computed for (see the module comment). */
export const CLOPPER_PEARSON_MAX_N = 1e9;

/**
 * Clopper-Pearson bounds of k successes in n trials, 0 < n <= {@link CLOPPER_PEARSON_MAX_N}.
 * The ends use their closed forms: upper = 1 - (alpha/2)^(1/n) at k = 0, lower = (alpha/2)^(1/n) at k = n.
 * @throws MetricsInputError for n = 0, n above the limit, or k outside [0, n]
 */
export function clopperPearsonInterval(k: number, n: number, confidence = 0.95): { lower: number; upper: number } {
  checkArgs(k, n, confidence);
  if (n === 0) throw new MetricsInputError('empty-input', 'an interval needs n > 0');
  if (n > CLOPPER_PEARSON_MAX_N) {
    throw new MetricsInputError(
      'invalid-argument',
      `n is ${n}; Clopper-Pearson intervals are computed for n <= ${CLOPPER_PEARSON_MAX_N} (use the 'wilson' method for larger counts)`,
    );
  }
  const alpha = 1 - confidence;
  const endPower = Math.log(alpha / 2) / n; // ln((alpha/2)^(1/n))
  const lower = k === 0 ? 0 : k === n ? Math.exp(endPower) : betaQuantile(alpha / 2, k, n - k + 1);
  const upper = k === n ? 1 : k === 0 ? -Math.expm1(endPower) : betaQuantile(1 - alpha / 2, k + 1, n - k);
  return { lower, upper };
}

/** Wilson score bounds of k successes in n > 0 trials. */
export function wilsonInterval(k: number, n: number, confidence = 0.95): { lower: number; upper: number } {
  checkArgs(k, n, confidence);
  if (n === 0) throw new MetricsInputError('empty-input', 'an interval needs n > 0');
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const centre = k + z2 / 2;
  const half = z * Math.sqrt((k * (n - k)) / n + z2 / 4);
  const den = n + z2;
  return {
    lower: k === 0 ? 0 : Math.max(0, (centre - half) / den),
    upper: k === n ? 1 : Math.min(1, (centre + half) / den),
  };
}

/**
 * Interval for the rate k / n.
 * @param k - integer count in [0, n]
 * @param n - integer denominator >= 0
 * @returns null when n = 0 (rate undefined)
 */
export function rateInterval(k: number, n: number, options: IntervalOptions = {}): RateInterval | null {
  const method = options.method ?? 'clopper-pearson';
  const confidence = options.confidence ?? 0.95;
  checkArgs(k, n, confidence);
  if (n === 0) return null;
  let bounds: { lower: number; upper: number };
  if (method === 'clopper-pearson') bounds = clopperPearsonInterval(k, n, confidence);
  else if (method === 'wilson') bounds = wilsonInterval(k, n, confidence);
  else throw new MetricsInputError('invalid-argument', `unknown interval method ${String(method)}`);
  return { k, n, rate: k / n, ...bounds, confidence, method };
}

/** Intervals for the main rates of a confusion result (each null when its denominator is 0). */
export interface ConfusionIntervals {
  /** FN / nDefective */
  readonly missRate: RateInterval | null;
  /** FP / nGood */
  readonly overkillRate: RateInterval | null;
  /** (TP + TN) / n */
  readonly accuracy: RateInterval | null;
  /** TP / (TP + FP) */
  readonly precision: RateInterval | null;
}

/** Intervals for miss rate, overkill rate, accuracy and precision of one confusion result. */
export function confusionIntervals(m: ConfusionMetrics, options: IntervalOptions = {}): ConfusionIntervals {
  return {
    missRate: rateInterval(m.fn, m.tp + m.fn, options),
    overkillRate: rateInterval(m.fp, m.fp + m.tn, options),
    accuracy: rateInterval(m.tp + m.tn, m.tp + m.fp + m.tn + m.fn, options),
    precision: rateInterval(m.tp, m.tp + m.fp, options),
  };
}
