import { pipeline } from 'node:stream/promises';
import { Controller, Res } from '@nestjs/common';
import {
  cancelRun,
  createRun,
  getArtifactContent,
  getRun,
  listRunArtifacts,
  listRunProgress,
  listRuns,
  ZCreateRunInput,
  ZListRunsQuery,
  type TArtifact,
  type TRun,
  type TRunPage,
  type TRunProgressPoint,
} from '@defectlab/contracts';
import type { Response } from 'express';
import type { z } from 'zod';
import { Caller, type AuthContext } from '../auth/auth-context';
import { Route, ValidBody, ValidParams, ValidQuery } from '../auth/route.decorator';
import { artifactResponseHeaders } from './artifact-response-headers';
import { RunsService } from './runs.service';

/** Runs as engineers and viewers see them (HTTP only; rules live in RunsService). */
@Controller()
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Route(createRun)
  create(@ValidBody(createRun) body: z.output<typeof ZCreateRunInput>, @Caller() caller: AuthContext): Promise<TRun> {
    return this.runs.create(body, caller.user.id);
  }

  @Route(listRuns)
  list(@ValidQuery(listRuns) query: z.output<typeof ZListRunsQuery>): Promise<TRunPage> {
    return this.runs.list(query);
  }

  @Route(getRun)
  get(@ValidParams(getRun) params: { runId: string }): Promise<TRun> {
    return this.runs.get(params.runId);
  }

  @Route(listRunProgress)
  progress(@ValidParams(listRunProgress) params: { runId: string }): Promise<{ items: TRunProgressPoint[] }> {
    return this.runs.progress(params.runId);
  }

  @Route(cancelRun)
  cancel(@ValidParams(cancelRun) params: { runId: string }): Promise<TRun> {
    return this.runs.cancel(params.runId);
  }

  @Route(listRunArtifacts)
  artifacts(@ValidParams(listRunArtifacts) params: { runId: string }): Promise<{ items: TArtifact[] }> {
    return this.runs.artifacts(params.runId);
  }

  @Route(getArtifactContent)
  async artifactContent(@ValidParams(getArtifactContent) params: { artifactId: string }, @Res() res: Response): Promise<void> {
    const { stream, artifact } = await this.runs.artifactContent(params.artifactId);
    // every header before the first byte: the stream below starts the response
    res.status(200).set(artifactResponseHeaders(artifact));
    await pipeline(stream, res);
  }
}
