import type { TOperatingPoint, TRateInterval, TSplitFigures, TThreshold } from '@defectlab/contracts';
import type { ConfusionMetrics, FittedPoint, RateInterval } from '@defectlab/metrics';

/** JSON-safe threshold: +Infinity ("flag nothing") becomes the string "+Infinity". */
export function encodeThreshold(t: number): TThreshold {
  if (t === Infinity) return '+Infinity';
  if (!Number.isFinite(t)) throw new RangeError(`threshold ${t} cannot be reported`);
  return t;
}

function interval(r: RateInterval | null): TRateInterval | null {
  return r ? { low: r.lower, high: r.upper, method: r.method, confidence: r.confidence } : null;
}

/** Rates and counts of one confusion result in the report's shape. */
export function splitFigures(m: ConfusionMetrics): TSplitFigures {
  return {
    missRate: m.missRate,
    overkillRate: m.overkillRate,
    accuracy: m.accuracy,
    counts: { tp: m.tp, fp: m.fp, tn: m.tn, fn: m.fn, good: m.nGood, defective: m.nDefective },
  };
}

/**
 * A point fitted by libs/metrics' `figuresFromScores` in the report's shape: figures on the test split
 * (`applied`) with intervals, figures on the fit split (`fit`), the threshold and how it was chosen.
 */
export function toOperatingPoint(f: FittedPoint): TOperatingPoint {
  const p = f.point;
  return {
    name: f.name,
    rule: p.spec.kind === 'fixed' ? { kind: 'fixed', threshold: encodeThreshold(p.spec.threshold) } : p.spec,
    fitSplit: f.fitSplit,
    reportSplit: 'test',
    threshold: encodeThreshold(p.threshold),
    ...splitFigures(p.applied),
    missRateInterval: interval(f.intervals.missRate),
    overkillRateInterval: interval(f.intervals.overkillRate),
    accuracyInterval: interval(f.intervals.accuracy),
    oracle: f.oracle,
    fit: splitFigures(p.fit),
  };
}
