import { Module } from '@nestjs/common';
import { EvaluationsController } from './evaluations.controller';
import { EvaluationsService } from './evaluations.service';

/** Evaluations: reading them, and recomputing them from stored scores under a new label version. */
@Module({ controllers: [EvaluationsController], providers: [EvaluationsService] })
export class EvaluationsModule {}
