/**
 * How the API answers while a large import writes its rows (issue 16, item 6: p99 < 500 ms during an import).
 * Starts the API in-process on a fresh PGlite (or DATABASE_URL), writes a synthetic MVTec folder of N distinct
 * 16x16 PNGs (5 % defective with masks), starts the import over HTTP and, until it ends, asks GET /api/datasets
 * and GET /api/health one after the other, recording each latency with the import's phase at that moment.
 *
 *   node -r ./tools/scripts/register.cjs apps/api/bench/import-latency.bench.ts [images=18000]
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { startTestApi } from '../test/support/api-harness';
import { fmt, latencySummary } from './latency-stats';

async function writeSyntheticDataset(root: string, n: number): Promise<void> {
  const defective = Math.round(n * 0.05);
  const testGood = Math.round(n * 0.15);
  const trainGood = n - defective - testGood;
  for (const d of ['train/good', 'test/good', 'test/crack', 'ground_truth/crack']) mkdirSync(path.join(root, d), { recursive: true });
  const png = (i: number, value?: number) => {
    const px = Buffer.alloc(16 * 16);
    px.writeUInt32LE(i, 0);
    if (value !== undefined) px.fill(value, 16 * 4, 16 * 8);
    return sharp(px, { raw: { width: 16, height: 16, channels: 1 } }).png().toBuffer();
  };
  let i = 0;
  for (let k = 0; k < trainGood; k++) await sharp(await png(i++)).toFile(path.join(root, 'train/good', `${k}.png`));
  for (let k = 0; k < testGood; k++) await sharp(await png(i++)).toFile(path.join(root, 'test/good', `${k}.png`));
  for (let k = 0; k < defective; k++) {
    await sharp(await png(i++, 200)).toFile(path.join(root, 'test/crack', `${k}.png`));
    const mask = Buffer.alloc(16 * 16);
    mask.writeUInt32LE(k, 0);
    mask.fill(255, 16 * 4, 16 * 8);
    await sharp(mask, { raw: { width: 16, height: 16, channels: 1 } }).png().toFile(path.join(root, 'ground_truth/crack', `${k}_mask.png`));
  }
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 18000);
  const pgDir = mkdtempSync(path.join(os.tmpdir(), 'bench-import-'));
  const database = process.env['DATABASE_URL']
    ? { kind: 'postgres' as const, url: process.env['DATABASE_URL'], schema: `bench_${Date.now().toString(36)}` }
    : { kind: 'pglite' as const, dataDir: path.join(pgDir, 'pglite') };
  const api = await startTestApi(database);
  try {
    const engineer = await api.auth('engineer');
    const t0 = Date.now();
    await writeSyntheticDataset(path.join(api.importRoot, 'big'), n);
    console.log(`wrote ${n} images in ${((Date.now() - t0) / 1000).toFixed(1)} s; database ${database.kind}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

    const importId = randomUUID();
    let finished = false;
    const started = Date.now();
    const importing = api.http
      .post('/api/datasets/import')
      .set(engineer)
      .send({ path: 'big', name: 'big', productLine: 'lens', importId })
      .then((res) => {
        finished = true;
        return res;
      });
    const byPhase = new Map<string, number[]>();
    let phase = 'queued';
    while (!finished) {
      for (const url of ['/api/datasets', '/api/health', `/api/imports/${importId}`]) {
        const t = performance.now();
        const res = await api.http.get(url).set(engineer);
        const ms = performance.now() - t;
        if (url.startsWith('/api/imports/') && res.status === 200) phase = res.body.phase as string;
        const list = byPhase.get(phase) ?? [];
        list.push(ms);
        byPhase.set(phase, list);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const res = await importing;
    console.log(`import answered ${res.status} after ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(res.body.stats ?? res.body)}`);
    const all: number[] = [];
    for (const [p, samples] of byPhase) {
      all.push(...samples);
      console.log(`  during ${p.padEnd(10)} ${fmt(latencySummary(samples))}`);
    }
    console.log(`  whole import ${fmt(latencySummary(all))}`);
    console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await api.close();
    rmSync(pgDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
