import { Inject, Injectable } from '@nestjs/common';
import type { TRunGroup, TRunGroupSummary } from '@defectlab/contracts';
import type { Database } from '../database/database';
import { DATABASE } from '../database/database.module';
import type { Prisma } from '../generated/prisma/client';
import type { NewRun } from '../runs/run-submission';
import { newRunData, RUN_SELECT, toRun } from '../runs/runs.repository';

export const RUN_GROUP_SELECT = {
  id: true,
  name: true,
  kind: true,
  datasetVersionId: true,
  baseConfig: true,
  grid: true,
  createdAt: true,
  createdBy: { select: { id: true, name: true } },
  _count: { select: { runs: true } },
} satisfies Prisma.RunGroupSelect;
type RunGroupRow = Prisma.RunGroupGetPayload<{ select: typeof RUN_GROUP_SELECT }>;

const GROUP_RUN_SELECT = { ...RUN_SELECT, gridPoint: true, gridIndex: true } satisfies Prisma.RunSelect;

export function toRunGroupSummary(g: RunGroupRow): TRunGroupSummary {
  return {
    id: g.id,
    name: g.name,
    kind: g.kind,
    datasetVersionId: g.datasetVersionId,
    baseConfig: g.baseConfig as Record<string, unknown>,
    grid: g.grid as Record<string, unknown[]>,
    runCount: g._count.runs,
    createdBy: g.createdBy,
    createdAt: g.createdAt.toISOString(),
  };
}

/** A run group as created (its runs follow in `NewGroupRun`). */
export interface NewRunGroup {
  name: string | null;
  kind: Prisma.RunGroupCreateInput['kind'];
  datasetVersionId: string;
  baseConfig: unknown;
  grid: unknown;
  createdById: string;
}

/** One run of a new group: a grid point with its config already resolved. */
export interface NewGroupRun extends NewRun {
  gridPoint: unknown;
  gridIndex: number;
}

/** Every Prisma call of run groups. */
@Injectable()
export class RunGroupsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Creates the group and its runs (queued, in grid order) in one transaction; the runs' ids in grid order. */
  async createWithRuns(group: NewRunGroup, runs: NewGroupRun[]): Promise<{ groupId: string; ids: string[] }> {
    return this.db.prisma.$transaction(async (tx) => {
      const { id: groupId } = await tx.runGroup.create({
        data: {
          name: group.name,
          kind: group.kind,
          datasetVersionId: group.datasetVersionId,
          baseConfig: group.baseConfig as Prisma.InputJsonValue,
          grid: group.grid as Prisma.InputJsonValue,
          createdById: group.createdById,
        },
        select: { id: true },
      });
      const ids: string[] = [];
      for (const r of runs) {
        const run = await tx.run.create({
          data: { ...newRunData(r), runGroupId: groupId, gridPoint: r.gridPoint as Prisma.InputJsonValue, gridIndex: r.gridIndex },
          select: { id: true },
        });
        ids.push(run.id);
      }
      return { groupId, ids };
    });
  }

  /** Marks the runs among `runIds` still queued as failed with `error`. */
  async failQueued(runIds: string[], error: string): Promise<void> {
    await this.db.prisma.run.updateMany({ where: { id: { in: runIds }, status: 'queued' }, data: { status: 'failed', finishedAt: new Date(), error } });
  }

  /** The group with its runs in grid order, or null. */
  async findGroup(id: string): Promise<TRunGroup | null> {
    const g = await this.db.prisma.runGroup.findUnique({ where: { id }, select: RUN_GROUP_SELECT });
    if (!g) return null;
    const runs = await this.db.prisma.run.findMany({ where: { runGroupId: id }, select: GROUP_RUN_SELECT, orderBy: [{ gridIndex: 'asc' }, { id: 'asc' }] });
    return { ...toRunGroupSummary(g), runs: runs.map((r) => ({ gridPoint: (r.gridPoint ?? {}) as Record<string, unknown>, run: toRun(r) })) };
  }

  async listGroups(page: number, pageSize: number): Promise<{ items: TRunGroupSummary[]; total: number }> {
    const [rows, total] = await this.db.prisma.$transaction([
      this.db.prisma.runGroup.findMany({ select: RUN_GROUP_SELECT, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], skip: (page - 1) * pageSize, take: pageSize }),
      this.db.prisma.runGroup.count(),
    ]);
    return { items: rows.map(toRunGroupSummary), total };
  }
}
