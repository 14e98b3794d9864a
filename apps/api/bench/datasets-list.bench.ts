/**
 * GET /api/datasets with many images (issue 16, item 7: p50 < 50 ms at 100k images).
 * Seeds a fresh PGlite (or DATABASE_URL) with D datasets holding N images in all, each with version 1 and a
 * relabelled version 2 (labels for every image), through SQL (generate_series) for speed; the per-version
 * counts are written by the same statement the migration's backfill uses. Then times the list endpoint, and
 * for contrast the group-by over every image the endpoint used to run.
 *
 *   node -r ./tools/scripts/register.cjs apps/api/bench/datasets-list.bench.ts [images=100000] [datasets=20] [requests=60]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestApi } from '../test/support/api-harness';
import { DEFAULT_MIGRATIONS_DIR } from '../src/database/migrator';
import { DatasetsService } from '../src/datasets/datasets.service';
import { fmt, latencySummary } from './latency-stats';

async function main(): Promise<void> {
  const images = Number(process.argv[2] ?? 100_000);
  const datasets = Number(process.argv[3] ?? 20);
  const requests = Number(process.argv[4] ?? 60);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-list-'));
  const database = process.env['DATABASE_URL']
    ? { kind: 'postgres' as const, url: process.env['DATABASE_URL'], schema: `bench_${Date.now().toString(36)}` }
    : { kind: 'pglite' as const, dataDir: path.join(dir, 'pglite') };
  const api = await startTestApi(database);
  try {
    const sql = api.created.db.sql;
    const per = Math.ceil(images / datasets);
    const t0 = Date.now();
    await sql.exec(`
      INSERT INTO "Blob" ("sha256", "bytes", "format", "width", "height", "storageKey")
        SELECT md5(g::text) || md5((g + 1)::text), 1000, 'png', 64, 64, 'k' FROM generate_series(1, ${images}) g;
      INSERT INTO "Dataset" ("id", "name", "productLine", "importing")
        SELECT gen_random_uuid(), 'bench-' || d, 'lens', false FROM generate_series(1, ${datasets}) d;
      INSERT INTO "Image" ("id", "datasetId", "blobSha256", "relPath", "split")
        SELECT gen_random_uuid(), ds."id", md5(g::text) || md5((g + 1)::text), 'train/good/' || g || '.png',
               (CASE WHEN g % 5 = 0 THEN 'test' ELSE 'train' END)::"Split"
        FROM generate_series(1, ${images}) g
        JOIN (SELECT "id", row_number() OVER (ORDER BY "name") - 1 AS k FROM "Dataset") ds ON ds.k = (g - 1) / ${per};
      INSERT INTO "DatasetVersion" ("id", "datasetId", "number")
        SELECT gen_random_uuid(), d."id", v FROM "Dataset" d CROSS JOIN generate_series(1, 2) v;
      INSERT INTO "Label" ("id", "versionId", "imageId", "value")
        SELECT gen_random_uuid(), v."id", i."id", 'good' FROM "Image" i JOIN "DatasetVersion" v ON v."datasetId" = i."datasetId";`);
    // the backfill statement of the counts migration writes the per-version counts
    const migration = readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, '20261204175502_staged_import_and_version_counts', 'migration.sql'), 'utf8');
    await sql.exec(migration.slice(migration.indexOf('UPDATE "DatasetVersion"')));
    console.log(`seeded ${images} images in ${datasets} datasets (2 versions each) in ${((Date.now() - t0) / 1000).toFixed(1)} s; database ${database.kind}`);
    console.log(`load average before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

    const viewer = await api.auth('viewer');
    const first = await api.http.get('/api/datasets').set(viewer).expect(200);
    const total = (first.body as { imageCount: number }[]).reduce((s, d) => s + d.imageCount, 0);
    if (total !== images) throw new Error(`the list counts ${total} images, seeded ${images}`);
    const samples: number[] = [];
    for (let i = 0; i < requests; i++) {
      const t = performance.now();
      await api.http.get('/api/datasets').set(viewer).expect(200);
      samples.push(performance.now() - t);
    }
    console.log(`GET /api/datasets (${datasets} datasets, ${images} images): ${fmt(latencySummary(samples))}`);
    const service = api.created.app.get(DatasetsService);
    const direct: number[] = [];
    for (let i = 0; i < requests; i++) {
      const t = performance.now();
      await service.list();
      direct.push(performance.now() - t);
    }
    console.log(`DatasetsService.list() alone (the endpoint's database work): ${fmt(latencySummary(direct))}`);
    const health: number[] = [];
    for (let i = 0; i < requests; i++) {
      const t = performance.now();
      await api.http.get('/api/health').set(viewer).expect(200);
      health.push(performance.now() - t);
    }
    console.log(`baseline GET /api/health (auth, logging, HTTP in-process): ${fmt(latencySummary(health))}`);
    const old: number[] = [];
    for (let i = 0; i < Math.min(10, requests); i++) {
      const t = performance.now();
      const p = api.created.db.prisma;
      const heads = await p.datasetVersion.groupBy({ by: ['datasetId'], _max: { number: true } });
      await Promise.all([
        p.image.groupBy({ by: ['datasetId', 'split'], _count: { _all: true } }),
        p.datasetVersion.findMany({ where: { OR: heads.map((h) => ({ datasetId: h.datasetId, number: h._max.number ?? 0 })) }, select: { id: true } }),
      ]);
      old.push(performance.now() - t);
    }
    console.log(`for contrast, the former queries (group-by over every image, head versions): ${fmt(latencySummary(old))}`);
    console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
