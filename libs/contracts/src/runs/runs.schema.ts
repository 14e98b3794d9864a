import { z } from 'zod';
import { ZSha256, ZUserRef, ZVersionRef } from '../datasets/datasets.schema';
import { ZModelKind } from '../evaluation/model-kind.schema';
import { ZSplitRule } from '../evaluation/split-rule.schema';
import { ZPageQuery, zPage, ZTimestamp } from '../paging/page.schema';

/** queued -> running -> succeeded | failed | cancelled (a lost worker sends a run back to queued while attempts remain). */
export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const ZRunStatus = z.enum(RUN_STATUSES);
export type TRunStatus = z.infer<typeof ZRunStatus>;

/**
 * The model library's config as submitted: `{ preset, ...overrides }`. Its fields are checked by the model
 * library's own schema in the trainer (contracts cannot import model code): a worker that finds an invalid
 * field fails the run with the field named. What the API can check without model code is checked here.
 */
export const ZModelConfigInput = z
  .object({
    /** e.g. "small" or "paper" (each model library lists its presets). */
    preset: z.string().min(1).max(64).optional(),
    seed: z.number().int().optional(),
  })
  .catchall(z.unknown());

/** POST /api/runs. Every field of the run's configuration; nothing is resolved until a worker takes it. */
export const ZCreateRunInput = z.strictObject({
  kind: ZModelKind,
  datasetVersionId: z.uuid(),
  /** "default", a shipped backbone name, or a descriptor/ONNX path on the worker's machine. */
  backbone: z.string().min(1).max(1024).default('default'),
  config: ZModelConfigInput.default({}),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  /** Square side images are resized to (default: the model's). */
  imageSize: z.number().int().min(16).max(2048).optional(),
  /** Overrides of the default hash-v1 split rule (the trainer's DEFAULT_SPLIT_RULE). */
  splitRule: ZSplitRule.omit({ kind: true }).partial().strict().optional(),
  /** Attempts before a run whose worker died is marked failed (retries resume from the last checkpoint). */
  maxAttempts: z.number().int().min(1).max(10).default(2),
});
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
  /** The fully resolved model config the worker trained with (null until it finished fitting). */
  resolvedConfig: z.record(z.string(), z.unknown()).nullable(),
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
});
export type TRun = z.infer<typeof ZRun>;

export const ZRunIdParams = z.object({ runId: z.uuid() });
export const ZListRunsQuery = ZPageQuery.extend({
  status: ZRunStatus.optional(),
  kind: ZModelKind.optional(),
  datasetVersionId: z.uuid().optional(),
});
export const ZRunPage = zPage(ZRun);
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

