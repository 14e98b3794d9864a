import { Controller } from '@nestjs/common';
import { commitLabelChanges, getImageHistory, getReviewQueue, type TCommitResult, type TImageHistory, type TReviewQueue } from '@defectlab/contracts';
import { Caller, type AuthContext } from '../auth/auth-context';
import { Route, ValidBody, ValidParams, ValidQuery } from '../auth/route.decorator';
import { RelabelService, type CommitInput } from './relabel.service';
import { ReviewQueueService, type ReviewQueueQuery } from './review-queue.service';

@Controller()
export class LabelsController {
  constructor(
    private readonly relabel: RelabelService,
    private readonly reviewQueue: ReviewQueueService,
  ) {}

  @Route(commitLabelChanges)
  commit(
    @ValidParams(commitLabelChanges) params: { versionId: string },
    @ValidBody(commitLabelChanges) body: CommitInput,
    @Caller() caller: AuthContext,
  ): Promise<TCommitResult> {
    return this.relabel.commit(params.versionId, body, caller.user.id);
  }

  @Route(getImageHistory)
  history(@ValidParams(getImageHistory) params: { imageId: string }): Promise<TImageHistory> {
    return this.relabel.history(params.imageId);
  }

  @Route(getReviewQueue)
  queue(@ValidParams(getReviewQueue) params: { versionId: string }, @ValidQuery(getReviewQueue) query: ReviewQueueQuery): Promise<TReviewQueue> {
    return this.reviewQueue.queue(params.versionId, query);
  }
}
