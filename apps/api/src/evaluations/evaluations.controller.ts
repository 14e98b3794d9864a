import { Controller } from '@nestjs/common';
import {
  getEvaluation,
  listEvaluationPredictions,
  listRunEvaluations,
  reevaluate,
  saveOperatingPoint,
  ZListPredictionsQuery,
  type TEvaluation,
  type TSaveOperatingPointInput,
  type TStoredOperatingPoint,
} from '@defectlab/contracts';
import type { z } from 'zod';
import { Route, ValidBody, ValidParams, ValidQuery } from '../auth/route.decorator';
import { EvaluationsService } from './evaluations.service';

/** Evaluations of runs and their recomputation under new labels (HTTP only). */
@Controller()
export class EvaluationsController {
  constructor(private readonly evaluations: EvaluationsService) {}

  @Route(listRunEvaluations)
  list(@ValidParams(listRunEvaluations) params: { runId: string }): Promise<{ items: TEvaluation[] }> {
    return this.evaluations.listForRun(params.runId);
  }

  @Route(getEvaluation)
  get(@ValidParams(getEvaluation) params: { evaluationId: string }): Promise<TEvaluation> {
    return this.evaluations.get(params.evaluationId);
  }

  @Route(listEvaluationPredictions)
  predictions(
    @ValidParams(listEvaluationPredictions) params: { evaluationId: string },
    @ValidQuery(listEvaluationPredictions) query: z.output<typeof ZListPredictionsQuery>,
  ) {
    return this.evaluations.predictions(params.evaluationId, query);
  }

  @Route(saveOperatingPoint)
  saveOperatingPoint(
    @ValidParams(saveOperatingPoint) params: { evaluationId: string },
    @ValidBody(saveOperatingPoint) body: TSaveOperatingPointInput,
  ): Promise<TStoredOperatingPoint> {
    return this.evaluations.saveOperatingPoint(params.evaluationId, body.name, body.threshold);
  }

  @Route(reevaluate)
  reevaluate(@ValidParams(reevaluate) params: { evaluationId: string }, @ValidBody(reevaluate) body: { datasetVersionId: string }): Promise<TEvaluation> {
    return this.evaluations.reevaluate(params.evaluationId, body.datasetVersionId);
  }
}
