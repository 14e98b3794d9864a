import { Controller, Req } from '@nestjs/common';
import {
  claimJob,
  completeRun,
  failRun,
  heartbeat,
  reportProgress,
  submitEvaluation,
  uploadArtifact,
  ZClaimInput,
  ZCompleteRunInput,
  ZReportProgressInput,
  ZSubmitEvaluationInput,
  ZUploadArtifactQuery,
  type TArtifact,
  type TRun,
  type TWorkerAck,
  type TWorkerJob,
} from '@defectlab/contracts';
import type { Request } from 'express';
import type { z } from 'zod';
import { Route, ValidBody, ValidParams, ValidQuery } from '../auth/route.decorator';
import { WorkersService } from './workers.service';

/** The worker protocol over HTTP (workers hold an API token, never database credentials). */
@Controller()
export class WorkersController {
  constructor(private readonly workers: WorkersService) {}

  @Route(claimJob)
  claim(@ValidBody(claimJob) body: z.output<typeof ZClaimInput>): Promise<{ job: TWorkerJob | null }> {
    return this.workers.claim(body);
  }

  @Route(heartbeat)
  heartbeat(@ValidParams(heartbeat) params: { runId: string }, @ValidBody(heartbeat) body: { workerId: string }): Promise<TWorkerAck> {
    return this.workers.heartbeat(params.runId, body.workerId);
  }

  @Route(reportProgress)
  progress(@ValidParams(reportProgress) params: { runId: string }, @ValidBody(reportProgress) body: z.output<typeof ZReportProgressInput>): Promise<TWorkerAck> {
    return this.workers.progress(params.runId, body);
  }

  @Route(uploadArtifact)
  upload(
    @ValidParams(uploadArtifact) params: { runId: string },
    @ValidQuery(uploadArtifact) query: z.output<typeof ZUploadArtifactQuery>,
    @Req() req: Request,
  ): Promise<TArtifact> {
    return this.workers.upload(params.runId, query, req);
  }

  @Route(submitEvaluation)
  submitEvaluation(@ValidParams(submitEvaluation) params: { runId: string }, @ValidBody(submitEvaluation) body: z.output<typeof ZSubmitEvaluationInput>): Promise<{ evaluationId: string }> {
    return this.workers.submitEvaluation(params.runId, body);
  }

  @Route(completeRun)
  complete(@ValidParams(completeRun) params: { runId: string }, @ValidBody(completeRun) body: z.output<typeof ZCompleteRunInput>): Promise<TRun> {
    return this.workers.complete(params.runId, body);
  }

  @Route(failRun)
  fail(@ValidParams(failRun) params: { runId: string }, @ValidBody(failRun) body: { workerId: string; error: string }): Promise<TRun> {
    return this.workers.fail(params.runId, body.workerId, body.error);
  }
}
