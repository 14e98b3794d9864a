/** The model benchmarks' figures from scores: image/pixel AUROC and overkill at miss <= 0.5 % (fit on validation, applied to test). */
import { figuresFromScores } from '@defectlab/metrics';
import type { ScoreResult } from '@defectlab/ml-core';
import type { BenchSample } from './magnetic-tile';

export function benchFigures(validation: readonly BenchSample[], valScores: ScoreResult, test: readonly BenchSample[], testScores: ScoreResult) {
  const [, , h, w] = testScores.anomalyMaps.dims;
  const plane = h * w;
  const f = figuresFromScores(
    { scores: valScores.imageScores, labels: validation.map((s) => s.label) },
    { scores: testScores.imageScores, labels: test.map((s) => s.label) },
    {
      points: [{ name: 'miss<=0.5%', spec: { kind: 'min-overkill-at-miss', maxMissRate: 0.005 }, oracle: false }],
      pixels: test.map((s, i) => ({
        map: testScores.anomalyMaps.data.subarray(i * plane, (i + 1) * plane) as Float32Array,
        mask: s.mask?.data ?? new Uint8Array(plane),
        width: w,
        height: h,
      })),
    },
  );
  const [op] = f.points;
  const point = op?.point;
  return {
    imageAuroc: f.imageAuroc,
    pixelAuroc: f.pixel?.pixelAuroc ?? null,
    pixelAurocMethod: f.pixel?.pixelAurocMethod ?? null,
    pro: f.pixel?.pro ?? null,
    operatingPoint: point
      ? {
          spec: 'min overkill at miss <= 0.5 %, threshold fitted on validation, figures on test',
          threshold: point.threshold,
          validation: { missRate: point.fit.missRate, overkillRate: point.fit.overkillRate, nGood: point.fit.nGood, nDefective: point.fit.nDefective },
          test: {
            missRate: point.applied.missRate,
            missRate95: op.intervals.missRate ? [op.intervals.missRate.lower, op.intervals.missRate.upper] : null,
            overkillRate: point.applied.overkillRate,
            overkillRate95: op.intervals.overkillRate ? [op.intervals.overkillRate.lower, op.intervals.overkillRate.upper] : null,
            nGood: point.applied.nGood,
            nDefective: point.applied.nDefective,
          },
        }
      : { spec: 'min overkill at miss <= 0.5 %', omitted: f.omitted[0]?.reason ?? 'not fitted' },
  };
}
