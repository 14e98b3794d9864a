import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { ZArtifactKind, ZCreateRunInput, type TArtifact, type TRun, type TRunPage, type TRunProgressPoint } from '@defectlab/contracts';
import type { z } from 'zod';
import { ARTIFACT_STORE, type ArtifactStore } from '../storage/artifact-store';
import type { ServedArtifact } from './artifact-response-headers';
import type { Prisma } from '../generated/prisma/client';
import { RunSubmission } from './run-submission';
import { RunsError } from './runs.errors';
import { RunsRepository, toArtifact, toRun, toRunListItem, type RunRow } from './runs.repository';

type CreateRunInput = z.output<typeof ZCreateRunInput>;

/** Rules of runs as engineers see them: submit, list, read, cancel. */
@Injectable()
export class RunsService {
  constructor(
    private readonly repo: RunsRepository,
    private readonly submission: RunSubmission,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  /** Stores a queued run and enqueues its job. */
  async create(input: CreateRunInput, createdById: string): Promise<TRun> {
    await this.submission.checkVersion(input);
    const run = await this.repo.createRun(this.submission.newRun(input, input.config, createdById));
    // a run that could not be queued is not kept: the request fails as a whole
    await this.submission.enqueue([run.id], () => this.repo.deleteRun(run.id));
    return toRun(run);
  }

  async list(q: { page: number; pageSize: number; status?: TRun['status']; kind?: TRun['kind']; datasetVersionId?: string }): Promise<TRunPage> {
    const where: Prisma.RunWhereInput = {
      ...(q.status ? { status: q.status } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.datasetVersionId ? { datasetVersionId: q.datasetVersionId } : {}),
    };
    const { items, total } = await this.repo.listRuns(where, q.page, q.pageSize);
    return { items: items.map(toRunListItem), page: q.page, pageSize: q.pageSize, total };
  }

  async get(runId: string): Promise<TRun> {
    return toRun(await this.requireRun(runId));
  }

  private async requireRun(runId: string): Promise<RunRow> {
    const run = await this.repo.findRun(runId);
    if (!run) throw new RunsError('RUN_NOT_FOUND', `no run ${runId}`);
    return run;
  }

  async progress(runId: string): Promise<{ items: TRunProgressPoint[] }> {
    await this.requireRun(runId);
    return { items: await this.repo.progressPoints(runId) };
  }

  /**
   * A queued run is cancelled at once (its job is skipped when taken); a running one gets
   * `cancelRequestedAt` and its worker learns it from the next heartbeat answer, stops and reports back.
   */
  async cancel(runId: string): Promise<TRun> {
    const run = await this.requireRun(runId);
    const now = new Date();
    if (run.status === 'queued') {
      if (await this.repo.cancelQueued(runId, now)) return this.get(runId);
      return this.cancel(runId); // a worker took it meanwhile
    }
    if (run.status === 'running') {
      await this.repo.requestCancel(runId, now);
      return this.get(runId);
    }
    throw new RunsError('RUN_FINISHED', `run ${runId} already ended (${run.status})`);
  }

  async artifacts(runId: string): Promise<{ items: TArtifact[] }> {
    await this.requireRun(runId);
    return { items: (await this.repo.artifacts(runId)).map(toArtifact) };
  }

  /** An artifact's content as a stream (never read into memory whole), with what its response headers need. */
  async artifactContent(artifactId: string): Promise<{ stream: Readable; artifact: ServedArtifact }> {
    const a = await this.repo.findArtifact(artifactId);
    if (!a) throw new RunsError('ARTIFACT_NOT_FOUND', `no artifact ${artifactId}`);
    return {
      stream: await this.store.openRead(a.storageKey),
      artifact: { id: a.id, kind: ZArtifactKind.parse(a.kind), bytes: Number(a.bytes), contentType: a.contentType },
    };
  }
}
