import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { DatabaseConfig } from '../../src/config/app-config';

/** The PostgreSQL server of CI and of this kind of machine; override with TEST_DATABASE_URL. */
export const TEST_POSTGRES_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  readonly name: 'postgres' | 'pglite';
  /** A fresh, isolated database config: its own schema on PostgreSQL, its own folder for PGlite. */
  fresh(): DatabaseConfig;
  /** Drops every schema / folder handed out by `fresh`. */
  cleanup(): Promise<void>;
}

function postgres(): TestDatabase {
  const schemas: string[] = [];
  return {
    name: 'postgres',
    fresh() {
      const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
      schemas.push(schema);
      return { kind: 'postgres', url: TEST_POSTGRES_URL, schema };
    },
    async cleanup() {
      if (schemas.length === 0) return;
      const client = new Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        for (const s of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

function pglite(): TestDatabase {
  const dirs: string[] = [];
  return {
    name: 'pglite',
    fresh() {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'defectlab-pglite-'));
      dirs.push(dir);
      return { kind: 'pglite', dataDir: path.join(dir, 'pglite') };
    },
    async cleanup() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** Both database kinds every integration spec runs against. */
export const TEST_DATABASES: readonly (() => TestDatabase)[] = [postgres, pglite];

/** Fails fast with a clear message when the CI PostgreSQL is not reachable. */
export async function assertPostgresReachable(): Promise<void> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `integration tests need PostgreSQL at ${TEST_POSTGRES_URL} (user postgres, trust auth, database test); ` +
        `start it or set TEST_DATABASE_URL. Cause: ${(err as Error).message}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
