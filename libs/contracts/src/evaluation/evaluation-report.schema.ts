import { z } from 'zod';
import { ZModelKind } from './model-kind.schema';
import { ZImageInput } from './run-config.schema';
import { ZSplitCounts, ZSplitRule } from './split-rule.schema';

/** A two-sided confidence interval of a rate (fractions in [0, 1]). */
export const ZRateInterval = z.object({
  low: z.number().min(0).max(1),
  high: z.number().min(0).max(1),
  method: z.enum(['clopper-pearson', 'wilson']),
  /** e.g. 0.95 */
  confidence: z.number().gt(0).lt(1),
});
export type TRateInterval = z.infer<typeof ZRateInterval>;

/** Confusion counts on one split. Positive = defective; flagged when score >= threshold. */
export const ZConfusionCounts = z.object({
  tp: z.number().int().min(0),
  fp: z.number().int().min(0),
  tn: z.number().int().min(0),
  fn: z.number().int().min(0),
  good: z.number().int().min(0),
  defective: z.number().int().min(0),
});
export type TConfusionCounts = z.infer<typeof ZConfusionCounts>;

/**
 * A threshold. JSON cannot hold +Infinity ("flag nothing"), so it is spelled as the string "+Infinity".
 */
export const ZThreshold = z.union([z.number(), z.literal('+Infinity')]);
export type TThreshold = z.infer<typeof ZThreshold>;

/** How an operating point's threshold was chosen (libs/metrics operating-point kinds). */
export const ZOperatingPointRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('min-overkill-at-miss'), maxMissRate: z.number().min(0).max(1) }),
  z.object({ kind: z.literal('min-miss-at-overkill'), maxOverkillRate: z.number().min(0).max(1) }),
  z.object({ kind: z.literal('max-f1') }),
  z.object({ kind: z.literal('fixed'), threshold: ZThreshold }),
]);
export type TOperatingPointRule = z.infer<typeof ZOperatingPointRule>;

/** Rates and counts at a threshold on one split. A rate with an empty denominator is null. */
export const ZSplitFigures = z.object({
  missRate: z.number().min(0).max(1).nullable(),
  overkillRate: z.number().min(0).max(1).nullable(),
  accuracy: z.number().min(0).max(1).nullable(),
  counts: ZConfusionCounts,
});
export type TSplitFigures = z.infer<typeof ZSplitFigures>;

/**
 * A named operating point: threshold fitted on `fitSplit`, figures reported on `reportSplit`.
 * `oracle` = the threshold was fitted on the split it is reported on (test-optimal, optimistic; shown only
 * labelled as such).
 */
export const ZOperatingPoint = ZSplitFigures.extend({
  /** e.g. "miss<=0.5%", "miss=0", "f1-max", "oracle:f1-max" */
  name: z.string().min(1),
  rule: ZOperatingPointRule,
  fitSplit: z.enum(['validation', 'test']),
  reportSplit: z.literal('test'),
  threshold: ZThreshold,
  missRateInterval: ZRateInterval.nullable(),
  overkillRateInterval: ZRateInterval.nullable(),
  accuracyInterval: ZRateInterval.nullable(),
  oracle: z.boolean(),
  /** Figures on the fit split at the same threshold (what the rule constrained). */
  fit: ZSplitFigures,
});
export type TOperatingPoint = z.infer<typeof ZOperatingPoint>;

/** An operating point that could not be fitted, with the reason (e.g. no defective validation images). */
export const ZOmittedOperatingPoint = z.object({ name: z.string(), reason: z.string() });

/** Inference speed: per-image wall time at batch 1 after a warm-up. */
export const ZLatency = z.object({
  p50: z.number().min(0),
  p95: z.number().min(0),
  mean: z.number().min(0),
  /** Timed calls (after `warmup` untimed ones). */
  n: z.number().int().positive(),
  warmup: z.number().int().min(0),
  batchSize: z.literal(1),
  /** True when the timed call runs the backbone too (image tensor in, score and map out). */
  includesBackbone: z.boolean(),
  /** What one timed call covers, in words. */
  scope: z.string(),
});
export type TLatency = z.infer<typeof ZLatency>;

/** One scored image (enough to recompute every figure from stored scores after relabeling). */
export const ZPrediction = z.object({
  relPath: z.string(),
  split: z.enum(['validation', 'test']),
  label: z.enum(['good', 'defective']),
  defectType: z.string(),
  score: z.number(),
});
export type TPrediction = z.infer<typeof ZPrediction>;

/** The evaluation the trainer's CLI writes (`evaluate --json`) and the worker reports. */
export const ZEvaluationReport = z.object({
  format: z.literal('defectlab-evaluation/1'),
  /** Image AUROC on the test split (null when a class is empty there). */
  imageAuroc: z.number().min(0).max(1).nullable(),
  /** Pixel AUROC on the test split at the model input size (null without masks). */
  pixelAuroc: z.number().min(0).max(1).nullable(),
  pixelAurocMethod: z.enum(['exact', 'binned']).nullable(),
  /** AUPRO up to `proFprLimit` on the test split (null without masks). */
  pro: z.number().min(0).max(1).nullable(),
  proFprLimit: z.number().gt(0).max(1),
  /** Image AUROC on the validation split (null when it has no defective images). */
  validationImageAuroc: z.number().min(0).max(1).nullable(),
  operatingPoints: z.array(ZOperatingPoint),
  omittedOperatingPoints: z.array(ZOmittedOperatingPoint),
  latencyMs: ZLatency,
  /** Bytes of the exported ONNX inference artifact. */
  sizeBytes: z.number().int().positive(),
  /** Whether that ONNX graph contains the backbone (PatchCore exports one graph; CS-Flow exports the head). */
  exportIncludesBackbone: z.boolean(),
  /** Model weights / memory bank without the backbone (the model library's `sizeBytes()`). */
  headSizeBytes: z.number().int().min(0),
  /** Bytes of the backbone's ONNX graph. */
  backboneSizeBytes: z.number().int().positive(),
  /** Training backend recorded at fit time, e.g. "onnxruntime-node 1.30.0 (cpu, 2 threads)". */
  backend: z.string(),
  /** What ran inference, e.g. "onnxruntime-node 1.30.0 cpu (1 intra-op threads)". */
  inferenceRuntime: z.string(),
  model: z.object({
    kind: ZModelKind,
    config: z.record(z.string(), z.unknown()),
    seed: z.number().int(),
    backbone: z.object({ name: z.string(), sha256: z.string() }),
    input: ZImageInput,
    deviations: z.array(z.string()),
  }),
  dataset: z.object({
    path: z.string(),
    splitRule: ZSplitRule,
    /** The split rule and its consequences in words (recorded verbatim). */
    splitRuleText: z.string(),
    counts: ZSplitCounts,
  }),
  machine: z.object({
    cpu: z.string(),
    cores: z.number().int().positive(),
    memoryBytes: z.number().int().positive(),
    platform: z.string(),
    arch: z.string(),
    node: z.string(),
  }),
  runtimeVersions: z.record(z.string(), z.string().nullable()),
  predictions: z.array(ZPrediction),
  /** Wall seconds of the evaluation (scoring + metrics + latency). */
  wallSeconds: z.number().min(0),
  createdAt: z.string().datetime(),
});
export type TEvaluationReport = z.infer<typeof ZEvaluationReport>;
