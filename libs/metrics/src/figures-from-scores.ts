/**
 * Every figure of an evaluation from its scores: the one place the trainer's report, the API's
 * re-evaluation under new labels and the benchmarks compute image AUROC, operating points (fitted on
 * validation, or on test for an oracle point, always reported on test with intervals) and, where anomaly
 * maps and masks are given, pixel AUROC and PRO.
 */
import { confusionIntervals, type ConfusionIntervals, type IntervalOptions } from './confidence-interval';
import { fitAndApplyOperatingPoints, type AppliedOperatingPoint } from './operating-points';
import { unfittableReason, type NamedSpec } from './operating-point-specs';
import { pixelMetrics, type PixelMetrics, type PixelPair } from './pixel-metrics';
import { auroc } from './roc';

/** Image scores and labels of one split. */
export interface SplitScores {
  /** shape [n] */
  readonly scores: ArrayLike<number>;
  /** shape [n], 0 = good, 1 = defective */
  readonly labels: ArrayLike<number>;
}

/** A point to fit, optionally with its own interval method and level (else the call's). */
export interface PointToFit extends NamedSpec {
  readonly intervals?: IntervalOptions;
}

export interface FiguresOptions {
  /** The operating points to fit, in report order (e.g. `operatingPointSpecs(targets)`). */
  readonly points: readonly PointToFit[];
  /** Interval method and level of points that name none (default Clopper-Pearson, 95 %). */
  readonly intervals?: IntervalOptions;
  /** Test anomaly maps with their masks: pixel AUROC and PRO are computed when given. */
  readonly pixels?: readonly PixelPair[];
  /** FPR limit of PRO (default 0.3). */
  readonly proFprLimit?: number;
}

/** A fitted point: the rule's name, where it was fitted, the figures on both splits and the test intervals. */
export interface FittedPoint {
  readonly name: string;
  readonly oracle: boolean;
  readonly fitSplit: 'validation' | 'test';
  readonly point: AppliedOperatingPoint;
  readonly intervals: ConfusionIntervals;
}

export interface ScoreFigures {
  /** Test image AUROC (null when test lacks a class). */
  readonly imageAuroc: number | null;
  readonly validationImageAuroc: number | null;
  /** Null when no pixels were given. */
  readonly pixel: PixelMetrics | null;
  readonly points: FittedPoint[];
  /** Points the splits cannot support, with the reason. */
  readonly omitted: { name: string; reason: string }[];
}

function countDefective(labels: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) n += labels[i] === 1 ? 1 : 0;
  return n;
}

/** Every figure from scores (and, optionally, maps): see the module comment. */
export function figuresFromScores(validation: SplitScores, test: SplitScores, options: FiguresOptions): ScoreFigures {
  const points: FittedPoint[] = [];
  const omitted: { name: string; reason: string }[] = [];
  const testSet = { predScores: test.scores, gtLabels: test.labels };
  for (const s of options.points) {
    const fit = s.oracle ? test : validation;
    const nDefective = countDefective(fit.labels);
    const reason = test.labels.length === 0 ? 'the test split is empty' : unfittableReason(s.spec, fit.labels.length - nDefective, nDefective);
    if (reason) {
      omitted.push({ name: s.name, reason });
      continue;
    }
    const [p] = fitAndApplyOperatingPoints({ predScores: fit.scores, gtLabels: fit.labels }, testSet, [s.spec]);
    points.push({ name: s.name, oracle: s.oracle, fitSplit: s.oracle ? 'test' : 'validation', point: p, intervals: confusionIntervals(p.applied, s.intervals ?? options.intervals) });
  }
  return {
    imageAuroc: test.labels.length ? auroc(test.scores, test.labels) : null,
    validationImageAuroc: validation.labels.length ? auroc(validation.scores, validation.labels) : null,
    pixel: options.pixels ? pixelMetrics(options.pixels, options.proFprLimit) : null,
    points,
    omitted,
  };
}
