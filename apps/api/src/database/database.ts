import { PrismaClient } from '../generated/prisma/client';
import type { DatabaseConfig } from '../config/app-config';
import { ImportsRepository } from '../datasets/imports.repository';
import { applyMigrations, readMigrations, type MigrationReport } from './migrator';
import { openSqlConnection, type SqlConnection } from './sql-connection';

/** An open database: raw SQL access, the Prisma client on the matching driver adapter, and the migration report. */
export interface Database {
  readonly sql: SqlConnection;
  readonly prisma: PrismaClient;
  readonly migrations: MigrationReport;
  /** Datasets that imports killed mid-way had left staged, deleted at open (see ImportsRepository.discardInterrupted). */
  readonly interruptedImports: number;
  close(): Promise<void>;
}

/**
 * Opens the configured database, applies pending migrations (offline, see migrator.ts), connects Prisma
 * through the driver adapter of the same connection and deletes what killed imports left staged.
 */
export async function openDatabase(config: DatabaseConfig, migrationsDir?: string): Promise<Database> {
  const sql = await openSqlConnection(config);
  try {
    const migrations = await applyMigrations(sql, await readMigrations(migrationsDir));
    // query events (nothing listens by default): tests count queries with prisma.$on('query', ...)
    const prisma = new PrismaClient({ adapter: sql.prismaAdapter, log: [{ emit: 'event', level: 'query' }] });
    await prisma.$connect();
    const interruptedImports = await new ImportsRepository({ prisma }).discardInterrupted();
    return {
      sql,
      prisma,
      migrations,
      interruptedImports,
      async close() {
        await prisma.$disconnect();
        await sql.close();
      },
    };
  } catch (err) {
    await sql.close().catch(() => undefined);
    throw err;
  }
}
