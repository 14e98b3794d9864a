import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import type { Database } from './database/database';
import { DatabaseModule } from './database/database.module';
import { DatasetsModule } from './datasets/datasets.module';
import { EvaluationsModule } from './evaluations/evaluations.module';
import { HealthModule } from './health/health.module';
import { LabelsModule } from './labels/labels.module';
import { OpenApiModule } from './openapi/openapi.module';
import { RunsModule } from './runs/runs.module';
import { RunGroupsModule } from './run-groups/run-groups.module';
import type { ArtifactStore } from './storage/artifact-store';
import { StorageModule } from './storage/storage.module';
import { TargetsModule } from './targets/targets.module';
import { UsersModule } from './users/users.module';
import { VersionsModule } from './versions/versions.module';
import { WorkersModule } from './workers/workers.module';

/** What the application runs on, opened before Nest starts (see app.factory.ts). */
export interface AppContext {
  readonly config: AppConfig;
  readonly db: Database;
  readonly store: ArtifactStore;
  readonly logger: Logger;
}

@Module({})
export class AppModule {
  static forContext(ctx: AppContext): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forConfig(ctx.config, ctx.logger),
        DatabaseModule.forDatabase(ctx.db),
        StorageModule.forStore(ctx.store),
        AuthModule,
        HealthModule,
        OpenApiModule,
        UsersModule,
        DatasetsModule,
        VersionsModule,
        LabelsModule,
        TargetsModule,
        RunsModule,
        RunGroupsModule,
        WorkersModule,
        EvaluationsModule,
      ],
    };
  }
}
