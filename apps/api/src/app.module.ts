import { Module, type DynamicModule } from '@nestjs/common';
import type { Database } from './database/database';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { OpenApiModule } from './openapi/openapi.module';

@Module({})
export class AppModule {
  static forDatabase(db: Database): DynamicModule {
    return { module: AppModule, imports: [DatabaseModule.forDatabase(db), HealthModule, OpenApiModule] };
  }
}
