import { PrismaClient } from '../generated/prisma/client';
import type { DatabaseConfig } from '../config/app-config';
import { applyMigrations, readMigrations, type MigrationReport } from './migrator';
import { openSqlConnection, type SqlConnection } from './sql-connection';

/** An open database: raw SQL access, the Prisma client on the matching driver adapter, and the migration report. */
export interface Database {
  readonly sql: SqlConnection;
  readonly prisma: PrismaClient;
  readonly migrations: MigrationReport;
  close(): Promise<void>;
}

/**
 * Opens the configured database, applies pending migrations (offline, see migrator.ts) and
 * connects Prisma through the driver adapter of the same connection.
 */
export async function openDatabase(config: DatabaseConfig, migrationsDir?: string): Promise<Database> {
  const sql = await openSqlConnection(config);
  try {
    const migrations = await applyMigrations(sql, await readMigrations(migrationsDir));
    const prisma = new PrismaClient({ adapter: sql.prismaAdapter });
    await prisma.$connect();
    return {
      sql,
      prisma,
      migrations,
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
