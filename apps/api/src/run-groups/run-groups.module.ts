import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { RunGroupsController } from './run-groups.controller';
import { RunGroupsRepository } from './run-groups.repository';
import { RunGroupsService } from './run-groups.service';

/** Run groups: a sweep of one model kind over a grid of config options. */
@Module({ imports: [RunsModule], controllers: [RunGroupsController], providers: [RunGroupsRepository, RunGroupsService] })
export class RunGroupsModule {}
