import { Injectable } from '@nestjs/common';
import type { TVersion, TVersionDiff, TVersionLabelPage } from '@defectlab/contracts';
import { VersionsError, versionNotFound } from './versions.errors';
import { type LabelPageQuery, type VersionRef, VersionsRepository } from './versions.repository';

/** Dataset versions: their labels and the differences between two of them. Queries: versions.repository.ts. */
@Injectable()
export class VersionsService {
  constructor(private readonly repo: VersionsRepository) {}

  async list(datasetId: string): Promise<TVersion[]> {
    if (!(await this.repo.datasetExists(datasetId))) throw new VersionsError('DATASET_NOT_FOUND', `no dataset ${datasetId}`);
    return this.repo.listOfDataset(datasetId);
  }

  async get(versionId: string): Promise<TVersion> {
    const version = await this.repo.find(versionId);
    if (!version) throw versionNotFound(versionId);
    return version;
  }

  async labels(versionId: string, query: LabelPageQuery): Promise<TVersionLabelPage> {
    await this.requireVersion(versionId);
    return { page: query.page, pageSize: query.pageSize, ...(await this.repo.labelPage(versionId, query)) };
  }

  /** Images whose label differs between two versions of one dataset (by relPath). */
  async diff(fromId: string, toId: string, page: number, pageSize: number): Promise<TVersionDiff> {
    const [from, to] = await Promise.all([this.requireVersion(fromId), this.requireVersion(toId)]);
    if (from.datasetId !== to.datasetId) {
      throw new VersionsError('VERSIONS_OF_DIFFERENT_DATASETS', `versions ${fromId} and ${toId} belong to different datasets`);
    }
    const { total, items } = await this.repo.diffPage(fromId, toId, page, pageSize);
    return { from: { id: from.id, number: from.number }, to: { id: to.id, number: to.number }, page, pageSize, total, items };
  }

  /**
   * The version, or DATASET_VERSION_NOT_FOUND; `requestPath` (e.g. "body.datasetVersionId") names the request
   * field that referred to it, as an issue of the error.
   */
  async requireVersion(versionId: string, requestPath?: string): Promise<VersionRef> {
    const v = await this.repo.findRef(versionId);
    if (!v) throw versionNotFound(versionId, requestPath);
    return v;
  }

  getMany(versionIds: string[]): Promise<TVersion[]> {
    return this.repo.findMany(versionIds);
  }
}
