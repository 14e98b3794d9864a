import { z } from 'zod';
import { ZSha256, ZUserRef, ZVersionRef } from '../datasets/datasets.schema';
import { ZModelKind, type TModelKind } from '../evaluation/model-kind.schema';
import { ZCfaRunConfig, ZCflowRunConfig, ZCsflowRunConfig, ZFastflowRunConfig, ZPatchcoreRunConfig, resolveModelConfig } from '../models/model-config';
import { ZSplitRule } from '../evaluation/split-rule.schema';
import { ZPageQuery, zPage, ZTimestamp } from '../paging/page.schema';
import { ZEvaluation } from './evaluations.schema';

/** queued -> running -> succeeded | failed | cancelled (a lost worker sends a run back to queued while attempts remain). */
export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const ZRunStatus = z.enum(RUN_STATUSES);
export type TRunStatus = z.infer<typeof ZRunStatus>;

/** The fields every run submission has, whatever its model kind. */
export const runSubmissionFields = {
  datasetVersionId: z.uuid(),
  /** "default", a shipped backbone name, or a descriptor/ONNX path on the worker's machine. */
  backbone: z.string().min(1).max(1024).default('default'),
  /** The run's seed: the one home of the seed (the model config given may not carry one). */
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  /** Overrides of the default hash-v1 split rule (DEFAULT_SPLIT_RULE). */
  splitRule: ZSplitRule.omit({ kind: true }).partial().strict().optional(),
  /** Attempts before a run whose worker died is marked failed (retries resume from the last checkpoint). */
  maxAttempts: z.number().int().min(1).max(10).default(2),
};

/**
 * Checks that a submission's config resolves (preset expanded, defaults filled); cross-field rules of the
 * model (csflow: one kernel size per block) surface here, on the field, as a 400.
 */
function resolvesFor(kind: TModelKind) {
  return (v: { config: unknown; seed: number }, ctx: z.RefinementCtx) => {
    try {
      resolveModelConfig(kind, v.config, v.seed);
    } catch (e) {
      if (!(e instanceof z.ZodError)) throw e;
      for (const issue of e.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['config', ...issue.path] });
    }
  };
}

/** Resolve only what parsed cleanly (an invalid field is reported once, by its own schema). */
const ONLY_WHEN_VALID = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };

/**
 * POST /api/runs, one shape per model kind: `config` is checked with that model's own strict schema (an
 * unknown key, a preset the model lacks or a value out of bounds is a 400 naming `body.config.<field>`).
 * The image size is the model config's `inputSize`; the seed is the run's `seed`.
 */
export const ZCreateRunInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('csflow'), config: ZCsflowRunConfig.default({}), ...runSubmissionFields }).superRefine(resolvesFor('csflow'), ONLY_WHEN_VALID),
  z.strictObject({ kind: z.literal('patchcore'), config: ZPatchcoreRunConfig.default({}), ...runSubmissionFields }).superRefine(resolvesFor('patchcore'), ONLY_WHEN_VALID),
  z.strictObject({ kind: z.literal('cfa'), config: ZCfaRunConfig.default({}), ...runSubmissionFields }).superRefine(resolvesFor('cfa'), ONLY_WHEN_VALID),
  z.strictObject({ kind: z.literal('fastflow'), config: ZFastflowRunConfig.default({}), ...runSubmissionFields }).superRefine(resolvesFor('fastflow'), ONLY_WHEN_VALID),
  z.strictObject({ kind: z.literal('cflow'), config: ZCflowRunConfig.default({}), ...runSubmissionFields }).superRefine(resolvesFor('cflow'), ONLY_WHEN_VALID),
]);
export type TCreateRunInput = z.input<typeof ZCreateRunInput>;

/** The latest progress report of a running run. */
export const ZRunProgress = z.object({
  phase: z.string(),
  epoch: z.number().int().nullable(),
  epochs: z.number().int().nullable(),
  step: z.number().int().nullable(),
  steps: z.number().int().nullable(),
  loss: z.number().nullable(),
  throughput: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  message: z.string().nullable(),
  at: ZTimestamp,
});
export type TRunProgress = z.infer<typeof ZRunProgress>;

export const ZRun = z.object({
  id: z.uuid(),
  kind: ZModelKind,
  status: ZRunStatus,
  preset: z.string().nullable(),
  /** The config as submitted (ZCreateRunInput without kind and dataset version). */
  config: z.record(z.string(), z.unknown()),
  /**
   * The model config resolved at submission (preset expanded, defaults filled, the run's seed applied): what
   * the worker trains with (null only for runs submitted before it was stored).
   */
  resolvedConfig: z.record(z.string(), z.unknown()).nullable(),
  /** What the model reported after fitting (its config as used plus derived facts, e.g. memory-bank size); null until then. */
  fitReport: z.record(z.string(), z.unknown()).nullable(),
  datasetVersion: ZVersionRef.extend({ datasetId: z.uuid() }),
  backbone: z.object({ name: z.string(), sha256: ZSha256 }).nullable(),
  seed: z.number().int(),
  progress: ZRunProgress.nullable(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  workerId: z.string().nullable(),
  /** Hardware, runtime versions and code version of the worker that ran (or runs) the latest attempt. */
  hardware: z.record(z.string(), z.unknown()).nullable(),
  runtime: z.record(z.string(), z.unknown()).nullable(),
  trainingBackend: z.string().nullable(),
  codeVersion: z.string().nullable(),
  error: z.string().nullable(),
  createdBy: ZUserRef.nullable(),
  createdAt: ZTimestamp,
  startedAt: ZTimestamp.nullable(),
  finishedAt: ZTimestamp.nullable(),
  heartbeatAt: ZTimestamp.nullable(),
  cancelRequestedAt: ZTimestamp.nullable(),
  /** The sweep (run group) this run belongs to, or null for a single run (absent in answers from before sweeps). */
  runGroupId: z.uuid().nullable().optional(),
});
export type TRun = z.infer<typeof ZRun>;

export const ZRunIdParams = z.object({ runId: z.uuid() });
export const ZListRunsQuery = ZPageQuery.extend({
  status: ZRunStatus.optional(),
  kind: ZModelKind.optional(),
  datasetVersionId: z.uuid().optional(),
});
/**
 * A runs-list row: the run with the evaluation its table row shows (the newest succeeded one; null when
 * none), read in the same request, so a table of N runs costs one request and no query per run.
 */
export const ZRunListItem = ZRun.extend({ latestEvaluation: ZEvaluation.nullable() });
export type TRunListItem = z.infer<typeof ZRunListItem>;
export const ZRunPage = zPage(ZRunListItem);
export type TRunPage = z.infer<typeof ZRunPage>;

/** One stored progress report (the loss curve and ETA come from these). */
export const ZRunProgressPoint = z.object({
  at: ZTimestamp,
  phase: z.string(),
  epoch: z.number().int().nullable(),
  step: z.number().int().nullable(),
  loss: z.number().nullable(),
  throughput: z.number().nullable(),
  etaSeconds: z.number().nullable(),
});
export type TRunProgressPoint = z.infer<typeof ZRunProgressPoint>;
export const ZRunProgressPoints = z.object({ items: z.array(ZRunProgressPoint) });

export const ARTIFACT_KINDS = ['weights', 'checkpoint', 'onnx', 'anomaly_map', 'log', 'report'] as const;
export const ZArtifactKind = z.enum(ARTIFACT_KINDS);
export type TArtifactKind = z.infer<typeof ZArtifactKind>;

export const ZArtifact = z.object({
  id: z.uuid(),
  runId: z.uuid().nullable(),
  kind: ZArtifactKind,
  sha256: ZSha256,
  bytes: z.number().int().min(0),
  contentType: z.string(),
  createdAt: ZTimestamp,
});
export type TArtifact = z.infer<typeof ZArtifact>;
export const ZArtifactList = z.object({ items: z.array(ZArtifact) });
export const ZArtifactIdParams = z.object({ artifactId: z.uuid() });

