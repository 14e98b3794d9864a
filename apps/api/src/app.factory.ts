import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { AuthRepository } from './auth/auth.repository';
import { bootstrapAdmin } from './auth/bootstrap-admin';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { serverPathsOf } from './common/redact-server-paths';
import type { AppConfig } from './config/app-config';
import { openDatabase, type Database } from './database/database';
import { malformedJsonAsAppError } from './errors/app-error';
import { createJsonLogger, NestJsonLogger } from './logging/json-logger';
import { requestLogger } from './logging/request-logger.middleware';
import { securityHeaders } from './security/security-headers';
import { LocalDiskArtifactStore } from './storage/local-disk-artifact-store';

export interface CreatedApp {
  readonly app: NestExpressApplication;
  readonly db: Database;
  readonly logger: Logger;
}

export interface CreateAppOptions {
  logger?: Logger;
  migrationsDir?: string;
  /** Where the one-time bootstrap admin token line goes (default: stdout). */
  announce?: (line: string) => void;
}

/**
 * Opens and migrates the database, makes sure an admin can log in (bootstrap-admin.ts), opens the
 * artifact store, then builds the Nest application around them (not yet listening).
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<CreatedApp> {
  const logger = options.logger ?? createJsonLogger(config.logLevel);
  const db = await openDatabase(config.database, options.migrationsDir);
  logger.info(
    { database: db.sql.description, applied: db.migrations.applied, schemaVersion: db.migrations.schemaVersion, interruptedImportsDiscarded: db.interruptedImports },
    'database ready',
  );
  try {
    await bootstrapAdmin(new AuthRepository(db), config.adminToken, options.announce ?? ((line) => process.stdout.write(`${line}\n`)), logger);
    const store = new LocalDiskArtifactStore(config.storage.artifactsDir);
    const swept = await store.sweepTemp();
    logger.info({ store: store.description, importRoots: config.storage.importRoots, exportRoot: config.storage.exportRoot, swept }, 'artifact store ready');
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forContext({ config, db, store, logger }), {
      logger: new NestJsonLogger(logger),
      bodyParser: true,
    });
    app.use(requestLogger(logger)); // first: every answer, a body parser's error included, carries the request id
    app.disable('x-powered-by');
    app.use(securityHeaders()); // before the routes and the body parser: errors carry the headers too
    app.useBodyParser('json', { limit: config.storage.jsonBodyMaxBytes });
    app.use(malformedJsonAsAppError);
    app.useGlobalFilters(new ApiExceptionFilter(logger, serverPathsOf(config)));
    app.enableShutdownHooks();
    return { app, db, logger };
  } catch (err) {
    await db.close();
    throw err;
  }
}
