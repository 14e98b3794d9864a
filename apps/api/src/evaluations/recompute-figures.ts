import type { TOperatingPointRule, TRateInterval } from '@defectlab/contracts';
import { auroc, confusionIntervals, fitAndApplyOperatingPoints, type ConfusionMetrics, type OperatingPointSpec, type RateInterval } from '@defectlab/metrics';
import { thresholdFromNumber, thresholdToNumber, type MetricData, type OperatingPointData } from './evaluation-writer';

/** A stored score with the label it has under the version being evaluated (1 = defective). */
export interface LabelledPrediction {
  readonly split: 'validation' | 'test';
  readonly score: number;
  readonly label: 0 | 1;
}

/** A stored operating point's rule and where it was fitted (what a recomputation re-fits). */
export interface PointRule {
  readonly name: string;
  readonly rule: TOperatingPointRule;
  readonly oracle: boolean;
  readonly intervalMethod: 'clopper-pearson' | 'wilson';
  readonly confidence: number;
}

function toSpec(rule: TOperatingPointRule): OperatingPointSpec {
  return rule.kind === 'fixed' ? { kind: 'fixed', threshold: thresholdToNumber(rule.threshold) } : rule;
}

function interval(r: RateInterval | null): TRateInterval | null {
  return r ? { low: r.lower, high: r.upper, method: r.method, confidence: r.confidence } : null;
}

function counts(m: ConfusionMetrics) {
  return { tp: m.tp, fp: m.fp, tn: m.tn, fn: m.fn, good: m.nGood, defective: m.nDefective };
}

/**
 * Recomputes an evaluation's figures from stored scores under new labels, with libs/metrics: image AUROC
 * on test and validation, and every operating point re-fitted by its own rule (on validation, or on test for
 * the oracle point) and reported on test. Pixel AUROC and PRO need the anomaly maps and masks, not scores,
 * so they are not recomputed (stored as null).
 */
export function recomputeFigures(predictions: readonly LabelledPrediction[], rules: readonly PointRule[]): { metrics: MetricData[]; points: OperatingPointData[] } {
  const pick = (split: 'validation' | 'test') => {
    const p = predictions.filter((x) => x.split === split);
    return { predScores: p.map((x) => x.score), gtLabels: p.map((x) => x.label) };
  };
  const val = pick('validation');
  const test = pick('test');
  const metrics: MetricData[] = [
    { name: 'image_auroc', split: 'test', value: test.gtLabels.length ? auroc(test.predScores, test.gtLabels) : null },
    { name: 'image_auroc', split: 'validation', value: val.gtLabels.length ? auroc(val.predScores, val.gtLabels) : null },
    { name: 'pixel_auroc', split: 'test', value: null },
    { name: 'pro', split: 'test', value: null },
  ];
  const points: OperatingPointData[] = [];
  for (const r of rules) {
    const fitSet = r.oracle ? test : val;
    const nDefective = fitSet.gtLabels.filter((l) => l === 1).length;
    // as in the trainer: a rule other than a fixed threshold needs both classes in its fit split
    if (r.rule.kind !== 'fixed' && (nDefective === 0 || nDefective === fitSet.gtLabels.length)) continue;
    if (test.gtLabels.length === 0) continue;
    const [p] = fitAndApplyOperatingPoints(fitSet, test, [toSpec(r.rule)]);
    const ci = confusionIntervals(p.applied, { method: r.intervalMethod, confidence: r.confidence });
    points.push({
      name: r.name,
      rule: r.rule,
      oracle: r.oracle,
      fitSplit: r.oracle ? 'test' : 'validation',
      reportSplit: 'test',
      threshold: thresholdFromNumber(p.threshold),
      counts: counts(p.applied),
      missRate: p.applied.missRate,
      missRateInterval: interval(ci.missRate),
      overkillRate: p.applied.overkillRate,
      overkillRateInterval: interval(ci.overkillRate),
      accuracy: p.applied.accuracy,
      accuracyInterval: interval(ci.accuracy),
    });
  }
  return { metrics, points };
}
