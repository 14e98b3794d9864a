import { Inject, Injectable } from '@nestjs/common';
import { ZCreateRunGroupInput, expandGrid, pointConfig, type TRunGroup, type TRunGroupPage } from '@defectlab/contracts';
import type { z } from 'zod';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { RunSubmission } from '../runs/run-submission';
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
    private readonly submission: RunSubmission,
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
    await this.submission.checkVersion(input);
    const runs = points.map((point, gridIndex) => ({ ...this.submission.newRun(input, pointConfig(input.baseConfig, point), createdById), gridPoint: point, gridIndex }));
    const runIds = await this.repo.createWithRuns(
      { name: input.name ?? null, kind: input.kind, datasetVersionId: input.datasetVersionId, baseConfig: input.baseConfig, grid: input.grid, createdById },
      runs,
    );
    // the runs not queued are kept, recorded as failed with the reason
    await this.submission.enqueue(runIds.ids, (notQueued, reason) => this.repo.failQueued(notQueued, `could not be queued: ${reason.message}`));
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
