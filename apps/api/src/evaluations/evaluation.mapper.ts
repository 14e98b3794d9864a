/** How an evaluation is read (one `select`) and answered (`toEvaluation`): shared by evaluations and the runs list. */
import type { TEvaluation, TOperatingPointRule, TRateInterval, TStoredOperatingPoint } from '@defectlab/contracts';
import type { Prisma } from '../generated/prisma/client';
import { thresholdFromNumber } from './evaluation-figures';

export const EVALUATION_SELECT = {
  id: true,
  runId: true,
  datasetVersion: { select: { id: true, number: true } },
  sourceEvaluationId: true,
  status: true,
  sizeBytes: true,
  backboneSizeBytes: true,
  latency: true,
  hardware: true,
  runtime: true,
  createdAt: true,
  metrics: { select: { name: true, split: true, datasetVersionId: true, value: true }, orderBy: [{ name: 'asc' }, { split: 'asc' }] },
  operatingPoints: {
    select: {
      name: true, rule: true, oracle: true, fitSplit: true, reportSplit: true, datasetVersionId: true, threshold: true, counts: true,
      missRate: true, missRateCi: true, overkillRate: true, overkillRateCi: true, accuracy: true, accuracyCi: true,
    },
    orderBy: [{ createdAt: 'asc' }, { name: 'asc' }],
  },
  _count: { select: { predictions: true } },
} satisfies Prisma.EvaluationSelect;
export type EvaluationRow = Prisma.EvaluationGetPayload<{ select: typeof EVALUATION_SELECT }>;

export const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

export function toEvaluation(e: EvaluationRow): TEvaluation {
  return {
    id: e.id,
    runId: e.runId,
    datasetVersion: e.datasetVersion,
    sourceEvaluationId: e.sourceEvaluationId,
    status: e.status,
    sizeBytes: e.sizeBytes === null ? null : Number(e.sizeBytes),
    backboneSizeBytes: e.backboneSizeBytes === null ? null : Number(e.backboneSizeBytes),
    latency: obj(e.latency) as TEvaluation['latency'],
    hardware: obj(e.hardware),
    runtime: obj(e.runtime),
    createdAt: e.createdAt.toISOString(),
    metrics: e.metrics,
    operatingPoints: e.operatingPoints.map(
      (p): TStoredOperatingPoint => ({
        name: p.name,
        rule: p.rule as TOperatingPointRule,
        oracle: p.oracle,
        fitSplit: p.fitSplit,
        reportSplit: p.reportSplit,
        datasetVersionId: p.datasetVersionId,
        threshold: thresholdFromNumber(p.threshold),
        counts: p.counts as TStoredOperatingPoint['counts'],
        missRate: p.missRate,
        missRateInterval: p.missRateCi as TRateInterval | null,
        overkillRate: p.overkillRate,
        overkillRateInterval: p.overkillRateCi as TRateInterval | null,
        accuracy: p.accuracy,
        accuracyInterval: p.accuracyCi as TRateInterval | null,
      }),
    ),
    predictionCount: e._count.predictions,
  };
}

