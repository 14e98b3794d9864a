import { z } from 'zod';
import { ZSha256, ZSplit, ZVersionRef } from '../datasets/datasets.schema';
import { ZConfusionCounts, ZLatency, ZOperatingPointRule, ZRateInterval, ZThreshold } from '../evaluation/evaluation-report.schema';
import { ZPageQuery, zPage, ZTimestamp } from '../paging/page.schema';

export const ZEvaluationStatus = z.enum(['running', 'succeeded', 'failed']);

/** A threshold-free figure and what produced it: the split it was computed on and the label version. */
export const ZEvaluationMetric = z.object({
  /** image_auroc | pixel_auroc | pro */
  name: z.string(),
  split: ZSplit,
  datasetVersionId: z.uuid(),
  value: z.number().nullable(),
});
export type TEvaluationMetric = z.infer<typeof ZEvaluationMetric>;

/** A stored operating point: threshold fitted on `fitSplit` by `rule`, figures on `reportSplit` under one label version. */
export const ZStoredOperatingPoint = z.object({
  name: z.string(),
  rule: ZOperatingPointRule,
  oracle: z.boolean(),
  fitSplit: ZSplit,
  reportSplit: ZSplit,
  datasetVersionId: z.uuid(),
  threshold: ZThreshold,
  counts: ZConfusionCounts,
  missRate: z.number().nullable(),
  missRateInterval: ZRateInterval.nullable(),
  overkillRate: z.number().nullable(),
  overkillRateInterval: ZRateInterval.nullable(),
  accuracy: z.number().nullable(),
  accuracyInterval: ZRateInterval.nullable(),
});
export type TStoredOperatingPoint = z.infer<typeof ZStoredOperatingPoint>;

export const ZEvaluation = z.object({
  id: z.uuid(),
  runId: z.uuid(),
  datasetVersion: ZVersionRef,
  /** Set when the figures were recomputed from this evaluation's stored scores under new labels. */
  sourceEvaluationId: z.uuid().nullable(),
  status: ZEvaluationStatus,
  /** Bytes of the exported ONNX inference artifact and of the backbone. */
  sizeBytes: z.number().int().nullable(),
  backboneSizeBytes: z.number().int().nullable(),
  latency: ZLatency.nullable(),
  hardware: z.record(z.string(), z.unknown()).nullable(),
  runtime: z.record(z.string(), z.unknown()).nullable(),
  createdAt: ZTimestamp,
  metrics: z.array(ZEvaluationMetric),
  operatingPoints: z.array(ZStoredOperatingPoint),
  predictionCount: z.number().int(),
});
export type TEvaluation = z.infer<typeof ZEvaluation>;
export const ZEvaluationList = z.object({ items: z.array(ZEvaluation) });
export const ZEvaluationIdParams = z.object({ evaluationId: z.uuid() });

/** One scored image of an evaluation, with its label under the evaluation's dataset version. */
export const ZPredictionRow = z.object({
  imageId: z.uuid(),
  /** sha256 of the image content that was scored. */
  imageSha256: ZSha256,
  relPath: z.string(),
  split: ZSplit,
  score: z.number(),
  label: z.enum(['good', 'defective']),
  defectType: z.string().nullable(),
  anomalyMapArtifactId: z.uuid().nullable(),
});
export type TPredictionRow = z.infer<typeof ZPredictionRow>;
export const ZListPredictionsQuery = ZPageQuery.extend({ split: ZSplit.optional() });
export const ZPredictionPage = zPage(ZPredictionRow);

/**
 * POST /api/evaluations/:id/operating-points: a threshold chosen in the simulator, saved under a name. It is
 * stored as a fixed-threshold rule with its figures on the test split, and marked `oracle` because it was
 * chosen while looking at test scores.
 */
export const ZSaveOperatingPointInput = z.strictObject({
  name: z.string().trim().min(1).max(80),
  threshold: z.number().refine(Number.isFinite, 'must be a finite number'),
});
export type TSaveOperatingPointInput = z.infer<typeof ZSaveOperatingPointInput>;

/** POST /api/evaluations/:id/reevaluate: recompute the figures on another version's labels from stored scores. */
export const ZReevaluateInput = z.strictObject({ datasetVersionId: z.uuid() });
