import { Module } from '@nestjs/common';
import { VersionsModule } from '../versions/versions.module';
import { EvaluationsController } from './evaluations.controller';
import { EvaluationsRepository } from './evaluations.repository';
import { EvaluationsService } from './evaluations.service';

/** Evaluations: storing a worker's, reading them, and recomputing them from stored scores under a new label version. */
@Module({ imports: [VersionsModule], controllers: [EvaluationsController], providers: [EvaluationsRepository, EvaluationsService], exports: [EvaluationsService] })
export class EvaluationsModule {}
