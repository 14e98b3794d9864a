/** The model benchmarks' figures from scores: image/pixel AUROC and overkill at miss <= 0.5 % (fit on validation, applied to test). */
import { auroc, confusionIntervals, fitAndApplyOperatingPoints, pixelAuroc } from '@defectlab/metrics';
import type { ScoreResult } from '@defectlab/ml-core';
import type { BenchSample } from './magnetic-tile';

export function benchFigures(validation: readonly BenchSample[], valScores: ScoreResult, test: readonly BenchSample[], testScores: ScoreResult) {
  const testLabels = test.map((s) => s.label);
  const [point] = fitAndApplyOperatingPoints(
    { predScores: valScores.imageScores, gtLabels: validation.map((s) => s.label) },
    { predScores: testScores.imageScores, gtLabels: testLabels },
    [{ kind: 'min-overkill-at-miss', maxMissRate: 0.005 }],
  );
  const [, , h, w] = testScores.anomalyMaps.dims;
  const plane = h * w;
  const maps = test.map((_, i) => testScores.anomalyMaps.data.subarray(i * plane, (i + 1) * plane));
  const masks = test.map((s) => s.mask?.data ?? new Uint8Array(plane));
  const pixel = pixelAuroc(maps, masks);
  const ci = confusionIntervals(point.applied);
  return {
    imageAuroc: auroc(testScores.imageScores, testLabels),
    pixelAuroc: pixel?.auroc ?? null,
    pixelAurocMethod: pixel?.method ?? null,
    operatingPoint: {
      spec: 'min overkill at miss <= 0.5 %, threshold fitted on validation, figures on test',
      threshold: point.threshold,
      validation: { missRate: point.fit.missRate, overkillRate: point.fit.overkillRate, nGood: point.fit.nGood, nDefective: point.fit.nDefective },
      test: {
        missRate: point.applied.missRate,
        missRate95: ci.missRate ? [ci.missRate.lower, ci.missRate.upper] : null,
        overkillRate: point.applied.overkillRate,
        overkillRate95: ci.overkillRate ? [ci.overkillRate.lower, ci.overkillRate.upper] : null,
        nGood: point.applied.nGood,
        nDefective: point.applied.nDefective,
      },
    },
  };
}
