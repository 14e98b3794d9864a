import { Inject, Injectable } from '@nestjs/common';
import type { TArtifact, TRun, TRunListItem, TRunProgress, TRunProgressPoint } from '@defectlab/contracts';
import type { Database } from '../database/database';
import { DATABASE } from '../database/database.module';
import type { Prisma } from '../generated/prisma/client';
import { EVALUATION_SELECT, toEvaluation } from '../evaluations/evaluation.mapper';
import type { NewRun } from './run-submission';

/** The columns a run is answered with. */
export const RUN_SELECT = {
  id: true,
  kind: true,
  status: true,
  preset: true,
  config: true,
  resolvedConfig: true,
  fitReport: true,
  datasetVersion: { select: { id: true, number: true, datasetId: true } },
  backbone: { select: { name: true, sha256: true } },
  seed: true,
  progress: true,
  attempts: true,
  maxAttempts: true,
  workerId: true,
  hardware: true,
  runtime: true,
  trainingBackend: true,
  codeVersion: true,
  error: true,
  createdBy: { select: { id: true, name: true } },
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  heartbeatAt: true,
  cancelRequestedAt: true,
  runGroupId: true,
} satisfies Prisma.RunSelect;
export type RunRow = Prisma.RunGetPayload<{ select: typeof RUN_SELECT }>;

/** A run with the evaluation a runs-table row shows: the newest succeeded one. */
export const RUN_LIST_SELECT = {
  ...RUN_SELECT,
  evaluations: { where: { status: 'succeeded' }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 1, select: EVALUATION_SELECT },
} satisfies Prisma.RunSelect;
export type RunListRow = Prisma.RunGetPayload<{ select: typeof RUN_LIST_SELECT }>;

export const ARTIFACT_SELECT = {
  id: true,
  runId: true,
  kind: true,
  sha256: true,
  bytes: true,
  contentType: true,
  createdAt: true,
  storageKey: true,
} satisfies Prisma.ArtifactSelect;
export type ArtifactRow = Prisma.ArtifactGetPayload<{ select: typeof ARTIFACT_SELECT }>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

export function toRun(r: RunRow): TRun {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    preset: r.preset,
    config: obj(r.config) ?? {},
    resolvedConfig: obj(r.resolvedConfig),
    fitReport: obj(r.fitReport),
    datasetVersion: r.datasetVersion,
    backbone: r.backbone,
    seed: r.seed,
    progress: obj(r.progress) as TRunProgress | null,
    attempts: r.attempts,
    maxAttempts: r.maxAttempts,
    workerId: r.workerId,
    hardware: obj(r.hardware),
    runtime: obj(r.runtime),
    trainingBackend: r.trainingBackend,
    codeVersion: r.codeVersion,
    error: r.error,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    heartbeatAt: iso(r.heartbeatAt),
    cancelRequestedAt: iso(r.cancelRequestedAt),
    runGroupId: r.runGroupId,
  };
}

/** The columns of a queued run (a sweep's runs add their group and grid point). */
export function newRunData(run: NewRun): Prisma.RunUncheckedCreateInput {
  return {
    kind: run.kind,
    preset: run.preset,
    config: run.config as Prisma.InputJsonValue,
    resolvedConfig: run.resolvedConfig as Prisma.InputJsonValue,
    datasetVersionId: run.datasetVersionId,
    seed: run.seed,
    maxAttempts: run.maxAttempts,
    createdById: run.createdById,
  };
}

export function toArtifact(a: ArtifactRow): TArtifact {
  return { id: a.id, runId: a.runId, kind: a.kind, sha256: a.sha256, bytes: Number(a.bytes), contentType: a.contentType, createdAt: a.createdAt.toISOString() };
}

/** Prisma queries of runs, their progress points and artifacts. */
@Injectable()
export class RunsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  findRun(id: string): Promise<RunRow | null> {
    return this.db.prisma.run.findUnique({ where: { id }, select: RUN_SELECT });
  }

  /** Running runs whose last heartbeat is older than `cutoff` (or that never sent one). */
  silentRuns(cutoff: Date) {
    return this.db.prisma.run.findMany({
      where: { status: 'running', OR: [{ heartbeatAt: { lt: cutoff } }, { heartbeatAt: null }] },
      select: { id: true, attempts: true, maxAttempts: true, workerId: true, heartbeatAt: true, cancelRequestedAt: true },
    });
  }

  /** Updates a silent run unless it moved meanwhile (still running, same last heartbeat); the rows changed (0 or 1). */
  async updateIfStillSilent(r: { id: string; heartbeatAt: Date | null }, data: Prisma.RunUpdateManyMutationInput): Promise<number> {
    const { count } = await this.db.prisma.run.updateMany({ where: { id: r.id, status: 'running', heartbeatAt: r.heartbeatAt }, data });
    return count;
  }

  createRun(run: NewRun): Promise<RunRow> {
    return this.db.prisma.run.create({ data: newRunData(run), select: RUN_SELECT });
  }

  async deleteRun(id: string): Promise<void> {
    await this.db.prisma.run.delete({ where: { id } });
  }

  /** Cancels a run still queued; false when it is no longer queued (a worker took it meanwhile). */
  async cancelQueued(runId: string, now: Date): Promise<boolean> {
    const n = await this.db.prisma.run.updateMany({
      where: { id: runId, status: 'queued' },
      data: { status: 'cancelled', cancelRequestedAt: now, finishedAt: now, error: 'cancelled before a worker took it' },
    });
    return n.count === 1;
  }

  /** Marks a running run for cancelling (its worker learns it from the next heartbeat answer). */
  async requestCancel(runId: string, now: Date): Promise<void> {
    await this.db.prisma.run.updateMany({ where: { id: runId, status: 'running', cancelRequestedAt: null }, data: { cancelRequestedAt: now } });
  }

  /**
   * A page of runs, each with its newest succeeded evaluation: one findMany whose nested selects Prisma
   * loads per relation for the whole page (a fixed number of queries, whatever the page size; no query per run).
   */
  async listRuns(where: Prisma.RunWhereInput, page: number, pageSize: number): Promise<{ items: RunListRow[]; total: number }> {
    const [items, total] = await Promise.all([
      this.db.prisma.run.findMany({ where, select: RUN_LIST_SELECT, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], skip: (page - 1) * pageSize, take: pageSize }),
      this.db.prisma.run.count({ where }),
    ]);
    return { items, total };
  }

  async progressPoints(runId: string): Promise<TRunProgressPoint[]> {
    const rows = await this.db.prisma.runProgressPoint.findMany({
      where: { runId },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
      select: { at: true, phase: true, epoch: true, step: true, loss: true, throughput: true, etaSeconds: true },
    });
    return rows.map((p) => ({ ...p, at: p.at.toISOString() }));
  }

  async artifacts(runId: string): Promise<ArtifactRow[]> {
    return this.db.prisma.artifact.findMany({ where: { runId }, select: ARTIFACT_SELECT, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  findArtifact(id: string): Promise<ArtifactRow | null> {
    return this.db.prisma.artifact.findUnique({ where: { id }, select: ARTIFACT_SELECT });
  }
}

/** A runs-list row: the run plus its newest succeeded evaluation. */
export function toRunListItem(r: RunListRow): TRunListItem {
  const { evaluations, ...run } = r;
  return { ...toRun(run), latestEvaluation: evaluations[0] ? toEvaluation(evaluations[0]) : null };
}
