/**
 * Argument checks shared by every metric. A metric never turns bad input into a silent number:
 * NaN or infinite scores, labels other than 0/1, arrays of different lengths and out-of-range
 * options all throw a {@link MetricsInputError} whose message names the argument, the index and
 * the offending value.
 */

/** Why an input was rejected. */
export type MetricsInputErrorCode =
  | 'non-finite-value'
  | 'invalid-label'
  | 'length-mismatch'
  | 'invalid-argument'
  | 'empty-input';

/** Thrown for every invalid input to a metric function. */
export class MetricsInputError extends Error {
  constructor(
    readonly code: MetricsInputErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MetricsInputError';
  }
}

/** Any indexable list of numbers: plain arrays, Float32Array, Float64Array, Uint8Array, ... */
export type NumericArray = ArrayLike<number>;

/**
 * Throws unless every value is a finite number (no NaN, no +/-Infinity).
 * @param values - shape [n]
 * @param name - argument name used in the error message
 */
export function assertFiniteValues(values: NumericArray, name: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new MetricsInputError('non-finite-value', `${name}[${i}] is ${String(v)}; every value must be a finite number`);
    }
  }
}

/**
 * Throws unless every label is exactly 0 (good / normal) or 1 (defective / anomalous).
 * @param labels - shape [n]
 * @returns the number of 1s (defective samples)
 */
export function assertBinaryLabels(labels: NumericArray, name: string): number {
  let ones = 0;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v === 1) ones++;
    else if (v !== 0) {
      throw new MetricsInputError('invalid-label', `${name}[${i}] is ${String(v)}; labels must be 0 (good) or 1 (defective)`);
    }
  }
  return ones;
}

/** Throws unless `a.length === b.length`. */
export function assertSameLength(a: NumericArray, b: NumericArray, nameA: string, nameB: string): void {
  if (a.length !== b.length) {
    throw new MetricsInputError('length-mismatch', `${nameA} has ${a.length} elements but ${nameB} has ${b.length}; they must match`);
  }
}

/** Class sizes of a validated (scores, labels) pair. */
export interface ClassCounts {
  readonly nGood: number;
  readonly nDefective: number;
}

/**
 * Checks a (predScores, gtLabels) pair: same length, finite scores, labels in {0, 1}.
 * @param predScores - shape [n]
 * @param gtLabels - shape [n], 0 = good, 1 = defective
 */
export function validateScoresAndLabels(predScores: NumericArray, gtLabels: NumericArray): ClassCounts {
  assertSameLength(predScores, gtLabels, 'predScores', 'gtLabels');
  assertFiniteValues(predScores, 'predScores');
  const nDefective = assertBinaryLabels(gtLabels, 'gtLabels');
  return { nGood: gtLabels.length - nDefective, nDefective };
}

/** Throws unless `threshold` is a number other than NaN (+/-Infinity are allowed). */
export function assertThreshold(threshold: number, name = 'threshold'): void {
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
    throw new MetricsInputError('invalid-argument', `${name} is ${String(threshold)}; it must be a number (not NaN)`);
  }
}

/** Throws unless `value` is a finite number in [lo, hi]. */
export function assertInRange(value: number, lo: number, hi: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi) {
    throw new MetricsInputError('invalid-argument', `${name} is ${String(value)}; it must be a finite number in [${lo}, ${hi}]`);
  }
}

/** Throws unless `value` is an integer in [lo, hi]. */
export function assertInteger(value: number, lo: number, hi: number, name: string): void {
  if (!Number.isInteger(value) || value < lo || value > hi) {
    throw new MetricsInputError('invalid-argument', `${name} is ${String(value)}; it must be an integer in [${lo}, ${hi}]`);
  }
}
