/**
 * The embedded default's demo: on the first start of a data folder, generated demo datasets
 * (libs/datasets `generateDemoDataset`: lens, flex, smt) are imported and a small run of each model
 * is queued for the embedded worker, so the README's start command opens a populated web app.
 * It runs in the background after the platform is up (start-up is not slowed) and only once per
 * data folder (a marker file); DEFECTLAB_DEMO=0 turns it off.
 */
import { createApiClient, createRun, createTarget, DEFAULT_TARGETS, importDataset, listDatasets, listTargets, MODEL_KINDS } from '@defectlab/contracts';
import { generateDemoDataset, PRODUCT_LINES } from '@defectlab/datasets';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface DemoOptions {
  readonly apiUrl: string;
  /** An engineer's token (imports datasets and submits runs). */
  readonly token: string;
  readonly dataDir: string;
  /** An admin's token (DEFECTLAB_ADMIN_TOKEN), when known: demo targets per product line are set with it. */
  readonly adminToken?: string;
  /** Queue runs too (only when a worker will take them). */
  readonly queueRuns: boolean;
  readonly log: (line: string) => void;
}

export const DEMO_MARKER = 'demo-populated.json';

export async function populateDemo(o: DemoOptions): Promise<void> {
  const marker = path.join(o.dataDir, DEMO_MARKER);
  if (existsSync(marker)) return;
  const api = createApiClient({ baseUrl: o.apiUrl, token: o.token });
  if ((await api(listDatasets)).length > 0) {
    // a folder that already holds data is not a fresh demo: leave it alone
    writeFileSync(marker, JSON.stringify({ skipped: 'datasets existed', at: new Date().toISOString() }));
    return;
  }
  o.log('demo: generating and importing the lens, flex and smt demo datasets (in the background)...');
  const versions: { line: string; versionId: string }[] = [];
  for (const line of PRODUCT_LINES) {
    const folder = path.join(o.dataDir, 'imports', `demo-${line}`);
    mkdirSync(folder, { recursive: true });
    await generateDemoDataset({ productLine: line, seed: 1, size: 128, subtleFraction: 0.35, counts: { trainGood: 40, testGood: 30, testDefective: 30 } }, folder);
    const res = await api(importDataset, { body: { path: folder, name: `demo-${line}`, productLine: line, description: `generated ${line} demo data (libs/datasets)` } });
    versions.push({ line, versionId: res.version.id });
    o.log(`demo: imported demo-${line} (${res.stats.images} images)`);
  }
  if (o.adminToken) {
    // the study's targets (DEFAULT_TARGETS: miss <= 0.5 % at overkill <= 30 %), so the compliance page has something
    // to hold the models against (admins edit them there)
    const admin = createApiClient({ baseUrl: o.apiUrl, token: o.adminToken });
    const have = new Set((await admin(listTargets)).map((t) => t.productLine));
    for (const line of PRODUCT_LINES) {
      if (!have.has(line)) await admin(createTarget, { body: { productLine: line, ...DEFAULT_TARGETS } });
    }
  }
  const runs: string[] = [];
  if (o.queueRuns) {
    // fastest model first, so the first finished runs appear early
    const order = ['patchcore', 'cfa', 'csflow'].filter((k) => (MODEL_KINDS as readonly string[]).includes(k)) as (typeof MODEL_KINDS)[number][];
    for (const kind of order) {
      for (const v of versions) {
        const run = await api(createRun, { body: { kind, datasetVersionId: v.versionId, config: { preset: 'small' }, seed: 0 } });
        runs.push(run.id);
      }
    }
    o.log(`demo: queued ${runs.length} small runs (PatchCore, CFA, CS-Flow on each product line) for the embedded worker`);
  }
  writeFileSync(marker, JSON.stringify({ datasets: versions, runs, at: new Date().toISOString() }, null, 2));
}
