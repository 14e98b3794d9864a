import { Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { VersionsModule } from '../versions/versions.module';
import { RunReaper } from './run-reaper.service';
import { RunSubmission } from './run-submission';
import { RunsController } from './runs.controller';
import { RunsRepository } from './runs.repository';
import { RunsService } from './runs.service';

/** Runs: submit, list, read, cancel; the reaper that takes back runs of silent workers. */
@Module({ imports: [QueueModule, VersionsModule], controllers: [RunsController], providers: [RunsRepository, RunSubmission, RunsService, RunReaper], exports: [RunsService, RunSubmission, RunReaper] })
export class RunsModule {}
