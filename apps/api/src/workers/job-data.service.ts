import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { TTarget, TVersionLabelPage } from '@defectlab/contracts';
import { DatasetsService } from '../datasets/datasets.service';
import { AppError } from '../errors/app-error';
import { RunsError } from '../runs/runs.errors';
import { ARTIFACT_STORE, type ArtifactStore } from '../storage/artifact-store';
import { TargetsService } from '../targets/targets.service';
import { VersionsService } from '../versions/versions.service';
import { WorkersRepository } from './workers.repository';
import { WorkersService } from './workers.service';

/**
 * What a worker may read, and only for a run its lease holds while the run is running: the labels and the
 * image and mask bytes of the run's dataset version, the run's own artifacts (an earlier attempt's
 * checkpoint) and its product line's targets. A worker token reads nothing else (no dataset lists, no other
 * versions, no other runs).
 */
@Injectable()
export class JobDataService {
  constructor(
    private readonly workers: WorkersService,
    private readonly versions: VersionsService,
    private readonly datasets: DatasetsService,
    private readonly targets: TargetsService,
    private readonly workersRepo: WorkersRepository,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  async labels(runId: string, leaseHash: string, page: number, pageSize: number): Promise<TVersionLabelPage> {
    const run = await this.workers.requireLiveLease(runId, leaseHash);
    return this.versions.labels(run.datasetVersionId, { page, pageSize });
  }

  /** An image or mask of the run's dataset version (BLOB_NOT_FOUND for any other stored bytes). */
  async blob(runId: string, leaseHash: string, sha256: string): Promise<{ contentType: string; bytes: number; stream: Readable }> {
    const run = await this.workers.requireLiveLease(runId, leaseHash);
    // an image first (the common case, through Image's blobSha256 index), else a mask
    if (!(await this.workersRepo.versionHoldsBlob(run.datasetVersionId, sha256))) throw new AppError('BLOB_NOT_FOUND', `no image or mask with sha256 ${sha256} in the dataset version of run ${runId}`);
    return this.datasets.blob(sha256);
  }

  /** An artifact of this run (ARTIFACT_NOT_FOUND for another run's). */
  async artifact(runId: string, leaseHash: string, artifactId: string): Promise<{ contentType: string; stream: Readable }> {
    await this.workers.requireLiveLease(runId, leaseHash);
    const a = await this.workersRepo.findArtifact({ id: artifactId, runId });
    if (!a) throw new RunsError('ARTIFACT_NOT_FOUND', `run ${runId} has no artifact ${artifactId}`);
    return { contentType: 'application/octet-stream', stream: await this.store.openRead(a.storageKey) };
  }

  /** The targets of the run's product line, null when it has none. */
  async targetsOf(runId: string, leaseHash: string): Promise<{ target: TTarget | null }> {
    const run = await this.workers.requireLiveLease(runId, leaseHash);
    const productLine = await this.workersRepo.productLineOf(run.datasetVersionId);
    try {
      return { target: await this.targets.get(productLine) };
    } catch (err) {
      if (err instanceof AppError && err.code === 'TARGET_NOT_FOUND') return { target: null };
      throw err;
    }
  }
}
