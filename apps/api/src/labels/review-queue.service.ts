import { Injectable } from '@nestjs/common';
import type { TReviewQueue } from '@defectlab/contracts';
import { VersionsService } from '../versions/versions.service';
import { type ReviewQueueQuery, ReviewQueueRepository } from './review-queue.repository';

export type { ReviewQueueQuery } from './review-queue.repository';

/** The review queue of a version: its images ranked for review (the ranking: review-queue.repository.ts). */
@Injectable()
export class ReviewQueueService {
  constructor(
    private readonly repo: ReviewQueueRepository,
    private readonly versions: VersionsService,
  ) {}

  async queue(versionId: string, q: ReviewQueueQuery): Promise<TReviewQueue> {
    const version = await this.versions.requireVersion(versionId);
    const { evaluationsConsidered, total, items } = await this.repo.rankedPage(versionId, version.datasetId, q);
    return { version: { id: version.id, number: version.number }, evaluationsConsidered, page: q.page, pageSize: q.pageSize, total, items };
  }
}
