import { Inject, Injectable } from '@nestjs/common';
import { ZCreateRunGroupInput, expandGrid, pointConfig, resolveModelConfig, type TRunGroup, type TRunGroupPage } from '@defectlab/contracts';
import type { z } from 'zod';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { JobQueue } from '../queue/job-queue.service';
import { VersionsService } from '../versions/versions.service';
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
    private readonly versions: VersionsService,
  ) {}

  async create(input: CreateRunGroupInput, createdById: string): Promise<TRunGroup> {
    const points = expandGrid(input.grid);
    const limit = this.config.sweepConfirmLimit;
    if (points.length > limit && !input.confirm) {
      throw new RunGroupsError('CONFIRMATION_REQUIRED', `the grid makes ${points.length} runs, more than ${limit}; send confirm: true to start them all`, [
        { path: 'body.confirm', message: `${points.length} runs > ${limit} need confirm: true` },
      ]);
    }
    await this.versions.requireVersion(input.datasetVersionId, 'body.datasetVersionId');
    const runs = points.map((point, gridIndex) => {
      const modelConfig = pointConfig(input.baseConfig, point);
      const resolvedConfig = resolveModelConfig(input.kind, modelConfig, input.seed);
      return {
        preset: resolvedConfig.preset,
        config: { backbone: input.backbone, config: modelConfig, splitRule: input.splitRule ?? null },
        resolvedConfig,
        seed: input.seed,
        maxAttempts: input.maxAttempts,
        gridPoint: point,
        gridIndex,
      };
    });
    const runIds = await this.repo.createWithRuns(
      { name: input.name ?? null, kind: input.kind, datasetVersionId: input.datasetVersionId, baseConfig: input.baseConfig, grid: input.grid, createdById },
      runs,
    );
    for (const [i, id] of runIds.ids.entries()) {
      try {
        await this.queue.enqueue(id);
      } catch (err) {
        // the runs already enqueued go on; the others are recorded as failed with the reason, then the error surfaces
        await this.repo.failQueued(runIds.ids.slice(i), `could not be queued: ${(err as Error).message}`);
        throw err;
      }
    }
    return this.get(runIds.groupId);
  }

  async list(q: { page: number; pageSize: number }): Promise<TRunGroupPage> {
    const { items, total } = await this.repo.listGroups(q.page, q.pageSize);
    return { items, page: q.page, pageSize: q.pageSize, total };
  }

  async get(groupId: string): Promise<TRunGroup> {
    const group = await this.repo.findGroup(groupId);
    if (!group) throw new RunGroupsError('RUN_GROUP_NOT_FOUND', `no run group ${groupId}`);
    return group;
  }
}
