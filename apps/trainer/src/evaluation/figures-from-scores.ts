import type { TOperatingPoint } from '@defectlab/contracts';
import { auroc, fitAndApplyOperatingPoints, type IntervalMethod } from '@defectlab/metrics';
import { operatingPointSpecs, unfittableReason, type OperatingPointTargets } from './operating-point-specs';
import { toOperatingPoint } from './to-operating-point';

/** Image scores and labels of one split. */
export interface SplitScores {
  /** shape [n] */
  readonly scores: ArrayLike<number>;
  /** shape [n], 0 = good, 1 = defective */
  readonly labels: ArrayLike<number>;
}

export interface ImageFigures {
  readonly imageAuroc: number | null;
  readonly validationImageAuroc: number | null;
  readonly operatingPoints: TOperatingPoint[];
  readonly omittedOperatingPoints: { name: string; reason: string }[];
}

/**
 * Every image-level figure of a report from stored scores alone (no model needed), so a relabeled
 * dataset version can be re-evaluated from the predictions of an earlier evaluation: test AUROC,
 * validation AUROC, and the operating points (fitted on validation, the oracle point on test; each
 * reported on test with intervals). Points a split cannot support are listed with the reason.
 */
export function figuresFromScores(
  validation: SplitScores,
  test: SplitScores,
  options: { targets?: OperatingPointTargets; intervalMethod?: IntervalMethod } = {},
): ImageFigures {
  const operatingPoints: TOperatingPoint[] = [];
  const omittedOperatingPoints: { name: string; reason: string }[] = [];
  const testSet = { predScores: test.scores, gtLabels: test.labels };
  for (const s of operatingPointSpecs(options.targets)) {
    const fit = s.oracle ? test : validation;
    let nDef = 0;
    for (let i = 0; i < fit.labels.length; i++) nDef += fit.labels[i];
    const reason = unfittableReason(s.spec, fit.labels.length - nDef, nDef);
    if (reason) {
      omittedOperatingPoints.push({ name: s.name, reason });
      continue;
    }
    const [p] = fitAndApplyOperatingPoints({ predScores: fit.scores, gtLabels: fit.labels }, testSet, [s.spec]);
    operatingPoints.push(toOperatingPoint(s.name, p, s.oracle ? 'test' : 'validation', s.oracle, { method: options.intervalMethod ?? 'clopper-pearson' }));
  }
  return {
    imageAuroc: auroc(test.scores, test.labels),
    validationImageAuroc: auroc(validation.scores, validation.labels),
    operatingPoints,
    omittedOperatingPoints,
  };
}
