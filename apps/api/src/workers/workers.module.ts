import { Module } from '@nestjs/common';
import { DatasetsModule } from '../datasets/datasets.module';
import { EvaluationsModule } from '../evaluations/evaluations.module';
import { RunsModule } from '../runs/runs.module';
import { TargetsModule } from '../targets/targets.module';
import { VersionsModule } from '../versions/versions.module';
import { EmbeddedWorkerToken } from './embedded-worker-token';
import { JobDataService } from './job-data.service';
import { WorkersController } from './workers.controller';
import { WorkersRepository } from './workers.repository';
import { WorkersService } from './workers.service';

/** The worker protocol: claim, heartbeat, progress, artifacts, evaluation, complete, fail, and the job's data. */
@Module({
  imports: [RunsModule, DatasetsModule, VersionsModule, TargetsModule, EvaluationsModule],
  controllers: [WorkersController],
  providers: [WorkersRepository, WorkersService, JobDataService, EmbeddedWorkerToken],
})
export class WorkersModule {}
