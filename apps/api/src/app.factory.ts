import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import type { AppConfig } from './config/app-config';
import { openDatabase, type Database } from './database/database';
import { createJsonLogger, NestJsonLogger } from './logging/json-logger';
import { requestLogger } from './logging/request-logger.middleware';

export interface CreatedApp {
  readonly app: NestExpressApplication;
  readonly db: Database;
  readonly logger: Logger;
}

/** Opens and migrates the database, then builds the Nest application around it (not yet listening). */
export async function createApp(config: AppConfig, options: { logger?: Logger; migrationsDir?: string } = {}): Promise<CreatedApp> {
  const logger = options.logger ?? createJsonLogger(config.logLevel);
  const db = await openDatabase(config.database, options.migrationsDir);
  logger.info(
    { database: db.sql.description, applied: db.migrations.applied, schemaVersion: db.migrations.schemaVersion },
    'database ready',
  );
  try {
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forDatabase(db), {
      logger: new NestJsonLogger(logger),
      bodyParser: true,
    });
    app.use(requestLogger(logger));
    app.useGlobalFilters(new ApiExceptionFilter(logger));
    app.enableShutdownHooks();
    return { app, db, logger };
  } catch (err) {
    await db.close();
    throw err;
  }
}
