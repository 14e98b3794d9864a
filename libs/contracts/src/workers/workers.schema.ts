import { z } from 'zod';
import { ZSha256, ZSplit } from '../datasets/datasets.schema';
import { ZEvaluationReport } from '../evaluation/evaluation-report.schema';
import { ZModelKind } from '../evaluation/model-kind.schema';
import { ZSplitRule } from '../evaluation/split-rule.schema';
import { ZArtifactContentType } from '../runs/artifact-content-types';
import { ZArtifactKind } from '../runs/runs.schema';
import { ZTarget } from '../targets/targets.schema';

/** A worker's self-chosen id (host name + process id, say): which attempt belongs to which process. */
export const ZWorkerId = z.string().min(1).max(200);

/** What a worker records about itself on every run it takes. */
export const ZWorkerInfo = z.object({
  hardware: z.record(z.string(), z.unknown()),
  runtime: z.record(z.string(), z.unknown()),
  /** git commit of the worker's code when known. */
  codeVersion: z.string().max(200).nullable(),
});
export type TWorkerInfo = z.infer<typeof ZWorkerInfo>;

export const ZClaimInput = z.strictObject({
  workerId: ZWorkerId,
  /** Long poll: wait up to this long for a job before answering `{ job: null }`. */
  waitSeconds: z.number().min(0).max(30).default(10),
  worker: ZWorkerInfo,
});
export type TClaimInput = z.input<typeof ZClaimInput>;

/** Everything a worker needs to run one attempt of a run. */
export const ZWorkerJob = z.object({
  runId: z.uuid(),
  /** 1 for the first attempt. */
  attempt: z.number().int().min(1),
  /**
   * The secret of this claim, shown in this answer only (the server keeps its sha256): every worker call on
   * the run sends it in the `x-lease-token` header. It dies when the run ends, is cancelled or taken back.
   */
  leaseToken: z.string().min(32).max(200),
  kind: ZModelKind,
  datasetVersionId: z.uuid(),
  backbone: z.string(),
  /**
   * The model config resolved at submission (preset expanded, defaults filled, the run's seed applied,
   * `inputSize` the square side images are resized to): the worker trains with it as it is.
   */
  modelConfig: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  splitRule: ZSplitRule.omit({ kind: true }).partial().nullable(),
  /** The latest checkpoint artifact of an earlier attempt, to resume from (null: start afresh). */
  resumeCheckpointArtifactId: z.uuid().nullable(),
  /** Send a heartbeat at least this often; a run silent for `heartbeatTimeoutSeconds` is taken back. */
  heartbeatIntervalSeconds: z.number().positive(),
  heartbeatTimeoutSeconds: z.number().positive(),
});
export type TWorkerJob = z.infer<typeof ZWorkerJob>;
export const ZClaimResult = z.object({ job: ZWorkerJob.nullable() });

export const ZWorkerRunParams = z.object({ runId: z.uuid() });
export const ZWorkerBlobParams = ZWorkerRunParams.extend({ sha256: ZSha256 });
export const ZWorkerArtifactParams = ZWorkerRunParams.extend({ artifactId: z.uuid() });

/** The targets of the run's product line, or null when it has none (the evaluation adds their operating points). */
export const ZJobTargets = z.object({ target: ZTarget.nullable() });

/** The answer to every worker call on a run: stop when `stop` is true (cancelled, or the run is no longer this worker's). */
export const ZWorkerAck = z.object({
  stop: z.boolean(),
  cancelRequested: z.boolean(),
  /** Why to stop, when `stop`. */
  reason: z.string().nullable(),
});
export type TWorkerAck = z.infer<typeof ZWorkerAck>;

export const ZHeartbeatInput = z.strictObject({ workerId: ZWorkerId });

/** One progress report (libs/ml-core FitProgress plus the phase of the job). */
export const ZProgressReport = z.object({
  phase: z.string().min(1).max(64),
  epoch: z.number().int().min(0).optional(),
  epochs: z.number().int().min(0).optional(),
  step: z.number().int().min(0).optional(),
  steps: z.number().int().min(0).optional(),
  loss: z.number().optional(),
  throughput: z.number().optional(),
  etaSeconds: z.number().min(0).optional(),
  message: z.string().max(2000).optional(),
});
export type TProgressReport = z.infer<typeof ZProgressReport>;
export const ZReportProgressInput = z.strictObject({ workerId: ZWorkerId, points: z.array(ZProgressReport).min(1).max(500) });

/**
 * Query of an artifact upload; the body is the raw bytes (application/octet-stream). `contentType` is what the
 * artifact is served as: one of ARTIFACT_CONTENT_TYPES (never html/svg/xml), and one of its kind's
 * (ARTIFACT_CONTENT_TYPES_BY_KIND, else 415 ARTIFACT_TYPE_NOT_ALLOWED); absent, the kind's first.
 */
export const ZUploadArtifactQuery = z.object({
  workerId: ZWorkerId,
  kind: ZArtifactKind,
  contentType: ZArtifactContentType.optional(),
});

/** One scored image as the worker submits it (the image is named by its id in the dataset version). */
export const ZSubmittedPrediction = z.object({
  imageId: z.uuid(),
  split: ZSplit.exclude(['train']),
  score: z.number(),
  anomalyMapArtifactId: z.uuid().nullable().default(null),
});
export const ZSubmitEvaluationInput = z.strictObject({
  workerId: ZWorkerId,
  report: ZEvaluationReport,
  predictions: z.array(ZSubmittedPrediction).min(1),
});
export type TSubmitEvaluationInput = z.input<typeof ZSubmitEvaluationInput>;
export const ZSubmitEvaluationResult = z.object({ evaluationId: z.uuid() });

export const ZCompleteRunInput = z.strictObject({
  workerId: ZWorkerId,
  /** What the model reported after fitting (stored as the run's `fitReport`). */
  fitReport: z.record(z.string(), z.unknown()),
  trainingBackend: z.string().min(1).max(500),
  backbone: z.object({ name: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), sizeBytes: z.number().int().min(0).nullable() }),
});
export const ZFailRunInput = z.strictObject({ workerId: ZWorkerId, error: z.string().min(1).max(10000) });
