import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../src/config/app-config';
import { openDatabase } from '../src/database/database';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, MigrationError, readMigrations } from '../src/database/migrator';
import { openSqlConnection } from '../src/database/sql-connection';
import { assertPostgresReachable, TEST_DATABASES, type TestDatabase } from './support/test-databases';

beforeAll(assertPostgresReachable);

describe.each(TEST_DATABASES.map((make) => [make().name, make] as const))('database on %s', (_name, make) => {
  let testDb: TestDatabase;
  let config: DatabaseConfig;

  beforeEach(() => {
    testDb = make();
    config = testDb.fresh();
  });
  afterEach(() => testDb.cleanup());

  it('applies the migrations on first open, then writes and reads rows through Prisma', async () => {
    const db = await openDatabase(config);
    try {
      const all = (await readMigrations()).map((m) => m.name);
      expect(db.migrations.applied).toEqual(all);
      const user = await db.prisma.user.create({
        data: { email: 'ada@example.com', name: 'Ada', role: 'curator', tokens: { create: { name: 'cli', prefix: 'dl_abc', tokenHash: 'h1' } } },
      });
      const dataset = await db.prisma.dataset.create({ data: { name: 'lens-demo', productLine: 'lens' } });
      const read = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { role: true, tokens: { select: { prefix: true } } } });
      expect(read).toEqual({ role: 'curator', tokens: [{ prefix: 'dl_abc' }] });
      expect(await db.prisma.dataset.count({ where: { productLine: 'lens' } })).toBe(1);
      expect(dataset.id).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await db.close();
    }
  });

  it('keeps its data across a restart and applies nothing twice', async () => {
    const first = await openDatabase(config);
    await first.prisma.target.create({
      data: { productLine: 'flex', maxMissRate: 0.005, maxOverkillRate: 0.3, maxSizeBytes: BigInt(400e6), maxLatencyMs: 25 },
    });
    await first.close();

    const second = await openDatabase(config);
    try {
      expect(second.migrations.applied).toEqual([]);
      expect(second.migrations.alreadyApplied.length).toBeGreaterThan(0);
      const target = await second.prisma.target.findUniqueOrThrow({ where: { productLine: 'flex' } });
      expect(target.maxSizeBytes).toBe(BigInt(400e6));
      expect(target.maxMissRate).toBe(0.005);
    } finally {
      await second.close();
    }
  });

  it('backfills the per-version image counts of versions that existed before the counts migration', async () => {
    const before = (await readMigrations()).filter((m) => m.name < '20261204175502');
    const sql = await openSqlConnection(config);
    try {
      await applyMigrations(sql, before);
      await sql.exec(`
        INSERT INTO "Blob" ("sha256", "bytes", "format", "storageKey") VALUES ('${'a'.repeat(64)}', 1, 'png', 'k');
        INSERT INTO "Dataset" ("id", "name", "productLine") VALUES ('00000000-0000-4000-8000-000000000001', 'old', 'lens');
        INSERT INTO "Image" ("id", "datasetId", "blobSha256", "relPath", "split") VALUES
          ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', '${'a'.repeat(64)}', 'train/good/1.png', 'train'),
          ('00000000-0000-4000-8000-0000000000a2', '00000000-0000-4000-8000-000000000001', '${'a'.repeat(64)}', 'train/good/2.png', 'train'),
          ('00000000-0000-4000-8000-0000000000a3', '00000000-0000-4000-8000-000000000001', '${'a'.repeat(64)}', 'test/good/3.png', 'test');
        INSERT INTO "DatasetVersion" ("id", "datasetId", "number") VALUES
          ('00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-000000000001', 1),
          ('00000000-0000-4000-8000-0000000000b2', '00000000-0000-4000-8000-000000000001', 2);
        INSERT INTO "Label" ("id", "versionId", "imageId", "value")
          SELECT gen_random_uuid(), v."id", i."id", 'good' FROM "DatasetVersion" v CROSS JOIN "Image" i;`);
    } finally {
      await sql.close();
    }
    const db = await openDatabase(config);
    try {
      const counts = await db.prisma.datasetVersion.findMany({ select: { number: true, imageCount: true, trainCount: true, validationCount: true, testCount: true }, orderBy: { number: 'asc' } });
      expect(counts).toEqual([1, 2].map((number) => ({ number, imageCount: 3, trainCount: 2, validationCount: 0, testCount: 1 })));
    } finally {
      await db.close();
    }
  });

  describe('with a migration added later', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'defectlab-migrations-'));
      cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('applies it to an existing database without losing rows', async () => {
      const before = await openDatabase(config, dir);
      await before.prisma.dataset.create({ data: { name: 'smt-demo', productLine: 'smt' } });
      await before.close();

      const later = path.join(dir, '29991231000000_add_dataset_owner');
      mkdirSync(later);
      writeFileSync(path.join(later, 'migration.sql'), 'ALTER TABLE "Dataset" ADD COLUMN "owner" TEXT NOT NULL DEFAULT \'unassigned\';\n');

      const after = await openDatabase(config, dir);
      try {
        expect(after.migrations.applied).toEqual(['29991231000000_add_dataset_owner']);
        const rows = await after.sql.query<{ name: string; owner: string }>('SELECT name, owner FROM "Dataset"');
        expect(rows).toEqual([{ name: 'smt-demo', owner: 'unassigned' }]);
      } finally {
        await after.close();
      }
    });

    it('refuses to start when an applied migration was edited', async () => {
      (await openDatabase(config, dir)).close();
      const [first] = await readMigrations(dir);
      writeFileSync(path.join(dir, first.name, 'migration.sql'), first.sql + '\n-- edited\n');
      await expect(openDatabase(config, dir)).rejects.toThrow(MigrationError);
      await expect(openDatabase(config, dir)).rejects.toThrow(/edited after it was applied/);
    });

    it('rolls back a failing migration and records nothing for it', async () => {
      (await openDatabase(config, dir)).close();
      const bad = path.join(dir, '29991231000001_broken');
      mkdirSync(bad);
      writeFileSync(path.join(bad, 'migration.sql'), 'CREATE TABLE "Half" (id INT);\nSELECT * FROM "NoSuchTable";\n');
      await expect(openDatabase(config, dir)).rejects.toThrow(/NoSuchTable/);
      rmSync(bad, { recursive: true });
      const db = await openDatabase(config, dir);
      try {
        const tables = await db.sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM information_schema.tables WHERE table_name = 'Half'`);
        expect(tables[0].n).toBe('0');
      } finally {
        await db.close();
      }
    });
  });
});
