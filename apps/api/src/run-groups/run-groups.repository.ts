import { Inject, Injectable } from '@nestjs/common';
import type { TRunGroup, TRunGroupSummary } from '@defectlab/contracts';
import type { Database } from '../database/database';
import { DATABASE } from '../database/database.module';
import type { Prisma } from '../generated/prisma/client';
import { RUN_SELECT, toRun } from '../runs/runs.repository';
import { RunGroupsError } from './run-groups.errors';

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

/** Prisma queries of run groups. */
@Injectable()
export class RunGroupsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  get prisma() {
    return this.db.prisma;
  }

  async findGroup(id: string): Promise<TRunGroup> {
    const g = await this.db.prisma.runGroup.findUnique({ where: { id }, select: RUN_GROUP_SELECT });
    if (!g) throw new RunGroupsError('RUN_GROUP_NOT_FOUND', `no run group ${id}`);
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
