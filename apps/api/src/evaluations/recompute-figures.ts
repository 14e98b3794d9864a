import type { TOperatingPointRule, TRateInterval } from '@defectlab/contracts';
import { figuresFromScores, type ConfusionMetrics, type OperatingPointSpec, type PixelPair, type RateInterval } from '@defectlab/metrics';
import { thresholdFromNumber, thresholdToNumber, type MetricData, type OperatingPointData } from './evaluation-figures';

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
 * Recomputes an evaluation's figures from stored scores under new labels with libs/metrics'
 * `figuresFromScores` (the trainer's own): image AUROC on test and validation, and every operating point
 * re-fitted by its own rule (on validation, or on test for the oracle point) and reported on test. Pixel
 * AUROC and PRO are recomputed when `pixels` (stored maps with the new version's masks) are given, else
 * stored as null.
 */
export function recomputeFigures(
  predictions: readonly LabelledPrediction[],
  rules: readonly PointRule[],
  pixels?: { pairs: readonly PixelPair[]; proFprLimit: number },
): { metrics: MetricData[]; points: OperatingPointData[] } {
  const pick = (split: 'validation' | 'test') => {
    const p = predictions.filter((x) => x.split === split);
    return { scores: p.map((x) => x.score), labels: p.map((x) => x.label) };
  };
  const f = figuresFromScores(pick('validation'), pick('test'), {
    points: rules.map((r) => ({ name: r.name, spec: toSpec(r.rule), oracle: r.oracle, intervals: { method: r.intervalMethod, confidence: r.confidence } })),
    ...(pixels ? { pixels: pixels.pairs, proFprLimit: pixels.proFprLimit } : {}),
  });
  const metrics: MetricData[] = [
    { name: 'image_auroc', split: 'test', value: f.imageAuroc },
    { name: 'image_auroc', split: 'validation', value: f.validationImageAuroc },
    { name: 'pixel_auroc', split: 'test', value: f.pixel?.pixelAuroc ?? null },
    { name: 'pro', split: 'test', value: f.pixel?.pro ?? null },
  ];
  const byName = new Map(rules.map((r) => [r.name, r]));
  const points: OperatingPointData[] = f.points.map(({ name, point: p, intervals: ci, fitSplit }) => ({
    name,
    rule: byName.get(name)?.rule ?? p.spec,
    oracle: fitSplit === 'test',
    fitSplit,
    reportSplit: 'test',
    threshold: thresholdFromNumber(p.threshold),
    counts: counts(p.applied),
    missRate: p.applied.missRate,
    missRateInterval: interval(ci.missRate),
    overkillRate: p.applied.overkillRate,
    overkillRateInterval: interval(ci.overkillRate),
    accuracy: p.applied.accuracy,
    accuracyInterval: interval(ci.accuracy),
  }));
  return { metrics, points };
}
