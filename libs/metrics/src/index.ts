/**
 * @defectlab/metrics: pure, browser-safe metric functions (no I/O, no Node APIs, no dependencies).
 * Conventions: labels 0 = good, 1 = defective; flagged when score >= threshold; rates are
 * fractions in [0, 1]; an undefined rate is null, never NaN; invalid input throws MetricsInputError.
 */
export * from './validate';
export * from './confusion';
export * from './sorted-scores';
export * from './sweep';
export * from './operating-points';
export * from './special-functions';
export * from './confidence-interval';
export * from './roc';
export * from './pr';
export * from './pixel-auroc';
export * from './connected-components';
export * from './pro';
export * from './pro-binned';
export * from './score-range';
export * from './histogram';
export * from './latency';
export * from './size';
export * from './aggregate';
export * from './sample-size';
export * from './operating-point-specs';
export * from './pixel-metrics';
export * from './figures-from-scores';
export * from './pareto';
