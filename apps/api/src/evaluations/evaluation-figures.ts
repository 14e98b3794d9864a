/** The figures an evaluation stores (operating points and threshold-free metrics), as plain data. */
import type { TEvaluationReport, TOperatingPoint, TRateInterval, TThreshold } from '@defectlab/contracts';

/** +Infinity ("flag nothing") is spelled "+Infinity" in JSON and stored as the float Infinity. */
export function thresholdToNumber(t: TThreshold): number {
  return t === '+Infinity' ? Infinity : t;
}
export function thresholdFromNumber(t: number): TThreshold {
  return t === Infinity ? '+Infinity' : t;
}

/** One operating point row (without ids), for the worker's report or a recomputation. */
export interface OperatingPointData {
  readonly name: string;
  readonly rule: TOperatingPoint['rule'];
  readonly oracle: boolean;
  readonly fitSplit: 'validation' | 'test';
  readonly reportSplit: 'test';
  readonly threshold: TThreshold;
  readonly counts: TOperatingPoint['counts'];
  readonly missRate: number | null;
  readonly missRateInterval: TRateInterval | null;
  readonly overkillRate: number | null;
  readonly overkillRateInterval: TRateInterval | null;
  readonly accuracy: number | null;
  readonly accuracyInterval: TRateInterval | null;
}

export interface MetricData {
  readonly name: string;
  readonly split: 'validation' | 'test';
  readonly value: number | null;
}

/** The threshold-free figures of a worker's report, with the split each was computed on. */
export function reportMetrics(r: TEvaluationReport): MetricData[] {
  return [
    { name: 'image_auroc', split: 'test', value: r.imageAuroc },
    { name: 'image_auroc', split: 'validation', value: r.validationImageAuroc },
    { name: 'pixel_auroc', split: 'test', value: r.pixelAuroc },
    { name: 'pro', split: 'test', value: r.pro },
  ];
}
