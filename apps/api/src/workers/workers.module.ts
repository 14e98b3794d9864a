import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { WorkersController } from './workers.controller';
import { EmbeddedWorkerToken } from './embedded-worker-token';
import { WorkersService } from './workers.service';

/** The worker protocol: claim, heartbeat, progress, artifacts, evaluation, complete, fail. */
@Module({ imports: [RunsModule], controllers: [WorkersController], providers: [WorkersService, EmbeddedWorkerToken] })
export class WorkersModule {}
