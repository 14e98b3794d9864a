import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database/database';
import { DATABASE } from '../database/database.module';
import type { Prisma } from '../generated/prisma/client';
import { ARTIFACT_SELECT, type ArtifactRow } from '../runs/runs.repository';

/** What a claim reads of the run it took. */
export const CLAIMED_RUN_SELECT = { id: true, attempts: true, kind: true, datasetVersionId: true, config: true, resolvedConfig: true, seed: true } satisfies Prisma.RunSelect;
/** What the lease checks read. */
export const LEASE_SELECT = { id: true, status: true, datasetVersionId: true, cancelRequestedAt: true, leaseTokenHash: true } satisfies Prisma.RunSelect;

/** Every Prisma call of the worker protocol (claims, leases, progress, artifacts, the job's data). */
@Injectable()
export class WorkersRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Moves a queued run to running under a new claim; false when it was no longer queued. */
  async claimQueued(runId: string, data: Prisma.RunUpdateManyMutationInput): Promise<boolean> {
    const { count } = await this.db.prisma.run.updateMany({ where: { id: runId, status: 'queued' }, data: { ...data, status: 'running', attempts: { increment: 1 } } });
    return count === 1;
  }

  claimedRun(runId: string) {
    return this.db.prisma.run.findUniqueOrThrow({ where: { id: runId }, select: CLAIMED_RUN_SELECT });
  }

  /** The newest checkpoint artifact of the run (from any attempt), or null. */
  latestCheckpoint(runId: string) {
    return this.db.prisma.artifact.findFirst({ where: { runId, kind: 'checkpoint' }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: { id: true } });
  }

  async updateRun(runId: string, data: Prisma.RunUpdateInput): Promise<void> {
    await this.db.prisma.run.update({ where: { id: runId }, data, select: { id: true } });
  }

  leaseOf(runId: string) {
    return this.db.prisma.run.findUnique({ where: { id: runId }, select: LEASE_SELECT });
  }

  /** Updates the run only while `leaseHash` holds it running; false when the claim ended. */
  async updateWhileLeased(runId: string, leaseHash: string, data: Prisma.RunUncheckedUpdateManyInput): Promise<boolean> {
    const { count } = await this.db.prisma.run.updateMany({ where: { id: runId, status: 'running', leaseTokenHash: leaseHash }, data });
    return count === 1;
  }

  async addProgressPoints(data: Prisma.RunProgressPointCreateManyInput[]): Promise<void> {
    await this.db.prisma.runProgressPoint.createMany({ data });
  }

  findArtifact(where: Prisma.ArtifactWhereInput): Promise<ArtifactRow | null> {
    return this.db.prisma.artifact.findFirst({ where, select: ARTIFACT_SELECT });
  }

  createArtifact(data: Prisma.ArtifactUncheckedCreateInput): Promise<ArtifactRow> {
    return this.db.prisma.artifact.create({ data, select: ARTIFACT_SELECT });
  }

  /** The backbone a worker reported, registered once by sha256. */
  async reportedBackbone(b: { name: string; sha256: string; sizeBytes: number | null }): Promise<string> {
    const row = await this.db.prisma.backbone.upsert({
      where: { sha256: b.sha256 },
      create: { name: b.name, sha256: b.sha256, source: 'reported by a worker', inputSize: {}, normalization: {}, layers: [], sizeBytes: b.sizeBytes === null ? null : BigInt(b.sizeBytes) },
      update: {},
      select: { id: true },
    });
    return row.id;
  }

  /** Whether the dataset version holds an image or a mask of this content. */
  async versionHoldsBlob(versionId: string, sha256: string): Promise<boolean> {
    const label = this.db.prisma.label;
    const hit =
      (await label.findFirst({ where: { versionId, image: { blobSha256: sha256 } }, select: { id: true } })) ??
      (await label.findFirst({ where: { versionId, maskSha256: sha256 }, select: { id: true } }));
    return hit !== null;
  }

  productLineOf(versionId: string): Promise<string> {
    return this.db.prisma.datasetVersion.findUniqueOrThrow({ where: { id: versionId }, select: { dataset: { select: { productLine: true } } } }).then((v) => v.dataset.productLine);
  }
}
