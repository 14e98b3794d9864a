/**
 * A child process for import-kill.integration-spec.ts: imports a folder and kills itself with SIGKILL in the
 * middle of the import transaction (after some rows were written, before the commit).
 * argv: <database config JSON> <artifacts dir> <dataset folder> <dataset name>
 */
import type { DatabaseConfig } from '../../src/config/app-config';
import { openDatabase } from '../../src/database/database';
import { importMvtecDataset } from '../../src/datasets/import/import-dataset';
import { ImportsRepository } from '../../src/datasets/imports.repository';
import { LocalDiskArtifactStore } from '../../src/storage/local-disk-artifact-store';

async function main(): Promise<void> {
  const [configJson, artifactsDir, root, name] = process.argv.slice(2);
  const db = await openDatabase(JSON.parse(configJson) as DatabaseConfig);
  await importMvtecDataset(
    { imports: new ImportsRepository(db), store: new LocalDiskArtifactStore(artifactsDir) },
    { root, name, productLine: 'lens', source: `path:${root}`, createdById: null },
    (event) => {
      process.stdout.write(`${JSON.stringify(event)}\n`);
      if (event.phase === 'database' && event.done > 0 && event.done < event.total) {
        process.stdout.write('killing myself inside the transaction\n');
        process.kill(process.pid, 'SIGKILL');
      }
    },
  );
  process.stdout.write('import committed (the kill did not happen)\n');
  await db.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(2);
});
