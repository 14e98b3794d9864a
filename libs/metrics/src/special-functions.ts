/**
 * Special functions needed by the exact confidence intervals, written from their textbook
 * definitions (no dependency): log-gamma, regularized incomplete beta and gamma, the beta and
 * standard-normal quantiles. Accuracy is far beyond what an interval printed to 4 digits needs
 * (relative error around 1e-12 for moderate arguments, ~1e-9 for arguments near 1e6).
 */
import { assertInRange, MetricsInputError } from './validate';

const HALF_LN_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln Gamma(x) for x > 0 (upward recurrence to x >= 15, then Stirling's series). */
export function lnGamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) {
    throw new MetricsInputError('invalid-argument', `lnGamma needs a finite x > 0, got ${x}`);
  }
  let shift = 0;
  while (x < 15) {
    shift += Math.log(x);
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  // Stirling: 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7) + 1/(1188x^9)
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))));
  return (x - 0.5) * Math.log(x) - x + HALF_LN_TWO_PI + series - shift;
}

const TINY = 1e-300;
const EPS = 1e-16;
const MAX_ITER = 100000;

/** Continued fraction of I_x(a, b) (DLMF 8.17.22), evaluated with the modified Lentz method. */
function betaContinuedFraction(a: number, b: number, x: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= MAX_ITER; m++) {
    // even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m))
    let num = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    f *= d * c;
    // odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))
    num = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) return f;
  }
  return f; // not reached for the arguments used here (a, b < 1e9)
}

/**
 * Regularized incomplete beta function I_x(a, b) = P(X <= x) for X ~ Beta(a, b).
 * @param x - in [0, 1]
 * @param a - > 0
 * @param b - > 0
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  assertInRange(x, 0, 1, 'x');
  if (!(a > 0) || !(b > 0) || !Number.isFinite(a) || !Number.isFinite(b)) {
    throw new MetricsInputError('invalid-argument', `incomplete beta needs finite a, b > 0, got a=${a}, b=${b}`);
  }
  if (x === 0) return 0;
  if (x === 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - (lnGamma(a) + lnGamma(b) - lnGamma(a + b));
  if (x < (a + 1) / (a + b + 2)) {
    return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  }
  // symmetry I_x(a, b) = 1 - I_{1-x}(b, a), where the fraction converges fast
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/**
 * Quantile of Beta(a, b): the x with I_x(a, b) = p, by bisection to full double precision.
 * @param p - in [0, 1]
 */
export function betaQuantile(p: number, a: number, b: number): number {
  assertInRange(p, 0, 1, 'p');
  if (p === 0) return 0;
  if (p === 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let iter = 0; iter < 2000; iter++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (regularizedIncompleteBeta(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Regularized lower incomplete gamma P(a, x) (series below a + 1, continued fraction above). */
export function regularizedLowerGamma(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0) || !Number.isFinite(x)) {
    throw new MetricsInputError('invalid-argument', `incomplete gamma needs a > 0 and finite x >= 0, got a=${a}, x=${x}`);
  }
  if (x === 0) return 0;
  const logFront = a * Math.log(x) - x - lnGamma(a);
  if (x < a + 1) {
    // P = x^a e^-x / Gamma(a) * sum_n x^n / (a (a+1) ... (a+n))
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITER; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return Math.exp(logFront) * sum;
  }
  // Q = x^a e^-x / Gamma(a) * 1 / (x + 1 - a - 1(1-a)/(x + 3 - a - 2(2-a)/(x + 5 - a - ...)))  (Lentz)
  let bTerm = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / bTerm;
  let f = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    bTerm += 2;
    d = an * d + bTerm;
    if (Math.abs(d) < TINY) d = TINY;
    c = bTerm + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return 1 - Math.exp(logFront) * f;
}

/** Standard normal CDF Phi(x) = (1 + erf(x / sqrt 2)) / 2, with erf(z) = P(1/2, z^2). */
export function normalCdf(x: number): number {
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  const half = 0.5 * regularizedLowerGamma(0.5, 0.5 * x * x);
  return x >= 0 ? 0.5 + half : 0.5 - half;
}

/** Standard normal quantile (bisection on {@link normalCdf}); p in (0, 1). */
export function normalQuantile(p: number): number {
  assertInRange(p, 0, 1, 'p');
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  let lo = -40;
  let hi = 40;
  for (let iter = 0; iter < 2000; iter++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
