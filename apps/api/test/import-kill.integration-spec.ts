import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../src/config/app-config';
import { openDatabase, type Database } from '../src/database/database';
import { importMvtecDataset } from '../src/datasets/import/import-dataset';
import { ImportsRepository } from '../src/datasets/imports.repository';
import { LocalDiskArtifactStore } from '../src/storage/local-disk-artifact-store';
import { FIXTURE_IMAGES, writeFixtureDataset } from './support/mvtec-fixtures';
import { assertPostgresReachable, TEST_DATABASES } from './support/test-databases';

beforeAll(assertPostgresReachable);

const ROOT = path.resolve(__dirname, '..', '..', '..');

async function counts(db: Database) {
  const p = db.prisma;
  return { blobs: await p.blob.count(), datasets: await p.dataset.count(), images: await p.image.count(), versions: await p.datasetVersion.count(), labels: await p.label.count() };
}

function runChild(config: DatabaseConfig, artifactsDir: string, root: string, name: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['-r', path.join(ROOT, 'tools', 'scripts', 'register.cjs'), path.join(__dirname, 'support', 'import-child.ts'), JSON.stringify(config), artifactsDir, root, name],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, output }));
  });
}

describe.each(TEST_DATABASES.map((make) => [make().name, make] as const))('an import killed inside its transaction, on %s', (_name, make) => {
  const testDb = make();
  let work: string;
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await testDb.cleanup();
  });

  it('leaves the database as it was, and the same import succeeds afterwards', async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'defectlab-kill-'));
    const config = testDb.fresh();
    const artifactsDir = path.join(work, 'artifacts');
    const store = new LocalDiskArtifactStore(artifactsDir);
    const existing = await writeFixtureDataset(path.join(work, 'existing'), 3);
    const victim = await writeFixtureDataset(path.join(work, 'victim'));

    let db = await openDatabase(config);
    await importMvtecDataset({ imports: new ImportsRepository(db), store }, { root: existing, name: 'existing', productLine: 'lens', source: 'test', createdById: null });
    const before = await counts(db);
    expect(before.datasets).toBe(1);
    await db.close(); // PGlite: one process at a time on a data folder

    const child = await runChild(config, artifactsDir, victim, 'victim');
    expect(child.output).toContain('killing myself inside the transaction');
    expect(child.signal).toBe('SIGKILL');

    db = await openDatabase(config);
    try {
      expect(await counts(db)).toEqual(before);
      expect(await db.prisma.dataset.findUnique({ where: { name: 'victim' } })).toBeNull();
      const outcome = await importMvtecDataset({ imports: new ImportsRepository(db), store }, { root: victim, name: 'victim', productLine: 'lens', source: 'test', createdById: null });
      expect(outcome.created).toBe(true);
      expect(outcome.stats.newBlobs).toBe(0); // the killed import had stored the blobs; they are reused
      const after = await counts(db);
      expect(after.images - before.images).toBe(FIXTURE_IMAGES);
      expect(after.datasets).toBe(2);
    } finally {
      await db.close();
    }
  });
});
