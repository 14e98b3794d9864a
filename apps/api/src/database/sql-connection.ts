import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { Pool } from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { DatabaseConfig } from '../config/app-config';

/** The minimal SQL surface the migrator and the health check need, over pg or PGlite. */
export interface SqlConnection {
  readonly kind: DatabaseConfig['kind'];
  /** Human-readable description, e.g. "PGlite 0.4.3 (/path/.data/pglite)". */
  readonly description: string;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs several statements and `fn` in one transaction. */
  transaction<T>(fn: (tx: Pick<SqlConnection, 'query' | 'exec'>) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` while holding a PostgreSQL session-level advisory lock (a no-op lock on single-connection PGlite). */
  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  /** The driver adapter Prisma's client runs on. */
  readonly prismaAdapter: SqlMigrationAwareDriverAdapterFactory;
  /** The PGlite instance itself (PGlite only), for libraries that drive it directly (the job queue). */
  readonly pglite?: PGlite;
  close(): Promise<void>;
}

/** Opens the database described by `config`; for PGlite the data folder is created on first use. */
export async function openSqlConnection(config: DatabaseConfig): Promise<SqlConnection> {
  return config.kind === 'postgres' ? openPostgres(config.url, config.schema) : openPglite(config.dataDir);
}

async function openPostgres(url: string, schema: string): Promise<SqlConnection> {
  const quoted = `"${schema}"`;
  const pool = new Pool({ connectionString: url, max: 10, options: `-c search_path=${quoted}` });
  pool.on('error', () => undefined); // idle-client errors surface on the next query instead of crashing the process
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
  const host = new URL(url);
  const conn: SqlConnection = {
    kind: 'postgres',
    description: `PostgreSQL ${host.hostname}:${host.port || 5432}${host.pathname} schema ${schema}`,
    async query<T>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
          exec: async (sql: string) => void (await client.query(sql)),
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async withAdvisoryLock(key, fn) {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [key]);
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [key]);
        }
      } finally {
        client.release();
      }
    },
    prismaAdapter: new PrismaPg(pool, { schema }),
    close: () => pool.end(),
  };
  return conn;
}

async function openPglite(dataDir: string): Promise<SqlConnection> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const conn: SqlConnection = {
    kind: 'pglite',
    description: `PGlite (PostgreSQL in WebAssembly) at ${dataDir}`,
    async query<T>(sql: string, params: unknown[] = []) {
      return (await db.query<T>(sql, params)).rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    transaction(fn) {
      return db.transaction((tx) =>
        fn({
          query: async <T>(sql: string, params: unknown[] = []) => (await tx.query<T>(sql, params)).rows,
          exec: async (sql: string) => void (await tx.exec(sql)),
        }),
      );
    },
    withAdvisoryLock: (_key, fn) => fn(),
    prismaAdapter: new PrismaPGlite(db),
    pglite: db,
    close: () => db.close(),
  };
  return conn;
}
