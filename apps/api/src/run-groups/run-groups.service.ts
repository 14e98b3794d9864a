import { Inject, Injectable } from '@nestjs/common';
import { ZCreateRunGroupInput, expandGrid, pointConfig, resolveModelConfig, type TRunGroup, type TRunGroupPage } from '@defectlab/contracts';
import type { z } from 'zod';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { Prisma } from '../generated/prisma/client';
import { JobQueue } from '../queue/job-queue.service';
import { RunGroupsError } from './run-groups.errors';
import { RunGroupsRepository } from './run-groups.repository';

type CreateRunGroupInput = z.output<typeof ZCreateRunGroupInput>;

/**
 * Rules of sweeps: a group is one kind on one dataset version; its runs are the grid's cartesian product
 * (every point already checked by ZCreateRunGroupInput), stored with the group id in one transaction and then
 * enqueued. More runs than `sweepConfirmLimit` need `confirm: true`.
 */
@Injectable()
export class RunGroupsService {
  constructor(
    private readonly repo: RunGroupsRepository,
    private readonly queue: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(input: CreateRunGroupInput, createdById: string): Promise<TRunGroup> {
    const points = expandGrid(input.grid);
    const limit = this.config.sweepConfirmLimit;
    if (points.length > limit && !input.confirm) {
      throw new RunGroupsError('CONFIRMATION_REQUIRED', `the grid makes ${points.length} runs, more than ${limit}; send confirm: true to start them all`, [
        { path: 'body.confirm', message: `${points.length} runs > ${limit} need confirm: true` },
      ]);
    }
    const version = await this.repo.prisma.datasetVersion.findUnique({ where: { id: input.datasetVersionId }, select: { id: true } });
    if (!version) {
      throw new RunGroupsError('DATASET_VERSION_NOT_FOUND', `no dataset version ${input.datasetVersionId}`, [
        { path: 'body.datasetVersionId', message: 'no such dataset version' },
      ]);
    }
    const runIds = await this.repo.prisma.$transaction(async (tx) => {
      const group = await tx.runGroup.create({
        data: {
          name: input.name ?? null,
          kind: input.kind,
          datasetVersionId: input.datasetVersionId,
          baseConfig: input.baseConfig as Prisma.InputJsonValue,
          grid: input.grid as Prisma.InputJsonValue,
          createdById,
        },
        select: { id: true },
      });
      const ids: string[] = [];
      for (const [gridIndex, point] of points.entries()) {
        const modelConfig = pointConfig(input.baseConfig, point);
        const resolvedConfig = resolveModelConfig(input.kind, modelConfig, input.seed);
        const run = await tx.run.create({
          data: {
            kind: input.kind,
            preset: resolvedConfig.preset,
            config: { backbone: input.backbone, config: modelConfig, splitRule: input.splitRule ?? null } as Prisma.InputJsonValue,
            resolvedConfig: resolvedConfig as Prisma.InputJsonValue,
            datasetVersionId: input.datasetVersionId,
            seed: input.seed,
            maxAttempts: input.maxAttempts,
            createdById,
            runGroupId: group.id,
            gridPoint: point as Prisma.InputJsonValue,
            gridIndex,
          },
          select: { id: true },
        });
        ids.push(run.id);
      }
      return { groupId: group.id, ids };
    });
    for (const [i, id] of runIds.ids.entries()) {
      try {
        await this.queue.enqueue(id);
      } catch (err) {
        // the runs already enqueued go on; the others are recorded as failed with the reason, then the error surfaces
        const rest = runIds.ids.slice(i);
        await this.repo.prisma.run.updateMany({
          where: { id: { in: rest }, status: 'queued' },
          data: { status: 'failed', finishedAt: new Date(), error: `could not be queued: ${(err as Error).message}` },
        });
        throw err;
      }
    }
    return this.repo.findGroup(runIds.groupId);
  }

  async list(q: { page: number; pageSize: number }): Promise<TRunGroupPage> {
    const { items, total } = await this.repo.listGroups(q.page, q.pageSize);
    return { items, page: q.page, pageSize: q.pageSize, total };
  }

  get(groupId: string): Promise<TRunGroup> {
    return this.repo.findGroup(groupId);
  }
}
