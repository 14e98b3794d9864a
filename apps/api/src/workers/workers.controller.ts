import { Controller, Req, Res } from '@nestjs/common';
import {
  claimJob,
  completeRun,
  failRun,
  getJobArtifact,
  getJobBlob,
  getJobTargets,
  heartbeat,
  listJobLabels,
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
  type TTarget,
  type TVersionLabelPage,
  type TWorkerAck,
  type TWorkerJob,
} from '@defectlab/contracts';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { Route, ValidBody, ValidParams, ValidQuery } from '../auth/route.decorator';
import { JobDataService } from './job-data.service';
import { LeaseHash } from './job-lease';
import { WorkersService } from './workers.service';

type RunParams = { runId: string };

/**
 * The worker protocol over HTTP: workers hold a worker token (never database credentials) and, for each
 * claimed run, the claim's lease token (`@LeaseHash()`, checked by the services).
 */
@Controller()
export class WorkersController {
  constructor(
    private readonly workers: WorkersService,
    private readonly jobData: JobDataService,
  ) {}

  @Route(claimJob)
  claim(@ValidBody(claimJob) body: z.output<typeof ZClaimInput>): Promise<{ job: TWorkerJob | null }> {
    return this.workers.claim(body);
  }

  @Route(heartbeat)
  heartbeat(@ValidParams(heartbeat) params: RunParams, @ValidBody(heartbeat) _body: { workerId: string }, @LeaseHash() lease: string): Promise<TWorkerAck> {
    return this.workers.heartbeat(params.runId, lease);
  }

  @Route(reportProgress)
  progress(@ValidParams(reportProgress) params: RunParams, @ValidBody(reportProgress) body: z.output<typeof ZReportProgressInput>, @LeaseHash() lease: string): Promise<TWorkerAck> {
    return this.workers.progress(params.runId, lease, body);
  }

  @Route(uploadArtifact)
  upload(
    @ValidParams(uploadArtifact) params: RunParams,
    @ValidQuery(uploadArtifact) query: z.output<typeof ZUploadArtifactQuery>,
    @LeaseHash() lease: string,
    @Req() req: Request,
  ): Promise<TArtifact> {
    return this.workers.upload(params.runId, lease, query, req);
  }

  @Route(submitEvaluation)
  submitEvaluation(@ValidParams(submitEvaluation) params: RunParams, @ValidBody(submitEvaluation) body: z.output<typeof ZSubmitEvaluationInput>, @LeaseHash() lease: string): Promise<{ evaluationId: string }> {
    return this.workers.submitEvaluation(params.runId, lease, body);
  }

  @Route(completeRun)
  complete(@ValidParams(completeRun) params: RunParams, @ValidBody(completeRun) body: z.output<typeof ZCompleteRunInput>, @LeaseHash() lease: string): Promise<TRun> {
    return this.workers.complete(params.runId, lease, body);
  }

  @Route(failRun)
  fail(@ValidParams(failRun) params: RunParams, @ValidBody(failRun) body: { workerId: string; error: string }, @LeaseHash() lease: string): Promise<TRun> {
    return this.workers.fail(params.runId, lease, body.error);
  }

  @Route(listJobLabels)
  labels(@ValidParams(listJobLabels) params: RunParams, @ValidQuery(listJobLabels) query: { page: number; pageSize: number }, @LeaseHash() lease: string): Promise<TVersionLabelPage> {
    return this.jobData.labels(params.runId, lease, query.page, query.pageSize);
  }

  @Route(getJobBlob)
  async blob(@ValidParams(getJobBlob) params: RunParams & { sha256: string }, @LeaseHash() lease: string, @Res() res: Response): Promise<void> {
    const blob = await this.jobData.blob(params.runId, lease, params.sha256);
    res.status(200).setHeader('content-type', blob.contentType);
    res.setHeader('content-length', String(blob.bytes));
    res.setHeader('cache-control', 'no-store');
    blob.stream.pipe(res);
  }

  @Route(getJobArtifact)
  async artifact(@ValidParams(getJobArtifact) params: RunParams & { artifactId: string }, @LeaseHash() lease: string, @Res() res: Response): Promise<void> {
    const a = await this.jobData.artifact(params.runId, lease, params.artifactId);
    res.status(200).setHeader('content-type', a.contentType);
    res.setHeader('cache-control', 'no-store');
    a.stream.pipe(res);
  }

  @Route(getJobTargets)
  targets(@ValidParams(getJobTargets) params: RunParams, @LeaseHash() lease: string): Promise<{ target: TTarget | null }> {
    return this.jobData.targetsOf(params.runId, lease);
  }
}
