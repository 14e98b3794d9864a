/**
 * The benchmark data sets as MVTec-layout folders the trainer CLI can read: ../shared/datasets/magnetic_tile
 * (whole, or an evenly thinned copy in quick mode) and the generated demo product lines (lens, flex, smt).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { TBenchDataset } from '@defectlab/contracts';
import { generateDemoDataset, readMvtecFolder, type MvtecRecord, type ProductLine } from '@defectlab/datasets';

/** A data set ready for the trainer: its folder and how it was made. */
export interface PreparedDataset {
  readonly name: string;
  readonly dir: string;
  readonly info: Omit<TBenchDataset, 'counts'>;
}

/** Caps per class folder (evenly thinned, in file-name order); Infinity keeps everything. */
export interface SubsetLimits {
  readonly trainGood: number;
  readonly testGood: number;
  /** per defect type */
  readonly testDefectivePerType: number;
}

/** Evenly thins a list to at most `limit` entries, keeping the first and spreading the rest. */
export function thin<T>(xs: readonly T[], limit: number): T[] {
  if (xs.length <= limit) return [...xs];
  const step = xs.length / limit;
  return Array.from({ length: limit }, (_, i) => xs[Math.floor(i * step)]);
}

function fileCounts(records: readonly MvtecRecord[]): TBenchDataset['files'] {
  return {
    trainGood: records.filter((r) => r.split === 'train').length,
    testGood: records.filter((r) => r.split === 'test' && r.label === 'good').length,
    testDefective: records.filter((r) => r.label === 'defective').length,
  };
}

/**
 * An MVTec-layout folder as it is (limits all Infinity) or thinned into a copy under `workDir`: per class
 * folder, the files sorted by name and taken evenly (so every defect type stays represented), masks along.
 */
export async function prepareMvtecFolder(name: string, root: string, workDir: string, limits: SubsetLimits | null): Promise<PreparedDataset> {
  const records = await readMvtecFolder(root);
  if (!limits) {
    return { name, dir: root, info: { name, source: 'shared', description: `${root} (all images)`, files: fileCounts(records) } };
  }
  const groups = new Map<string, MvtecRecord[]>();
  for (const r of records) {
    const key = `${r.split}/${r.defectType}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const picked: MvtecRecord[] = [];
  for (const [key, list] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...list].sort((a, b) => a.relPath.localeCompare(b.relPath));
    const limit = key === 'train/good' ? limits.trainGood : key === 'test/good' ? limits.testGood : limits.testDefectivePerType;
    picked.push(...thin(sorted, limit));
  }
  const dir = path.join(workDir, `${name}-subset`);
  await fs.rm(dir, { recursive: true, force: true });
  for (const r of picked) {
    await copyInto(r.path, path.join(dir, r.relPath));
    if (r.maskPath) await copyInto(r.maskPath, path.join(dir, path.relative(root, r.maskPath)));
  }
  const description =
    `${root} thinned evenly in file-name order to at most ${limits.trainGood} train/good, ${limits.testGood} test/good ` +
    `and ${limits.testDefectivePerType} images per defect type (copied with their masks)`;
  return { name, dir, info: { name, source: 'shared', description, files: fileCounts(picked) } };
}

async function copyInto(from: string, to: string): Promise<void> {
  await fs.mkdir(path.dirname(to), { recursive: true });
  await fs.copyFile(from, to);
}

/** Demo generator settings of one bench run. */
export interface DemoSpec {
  readonly size: number;
  readonly trainGood: number;
  readonly testGood: number;
  readonly testDefective: number;
  readonly seed: number;
}

/** Generates one demo product line as an MVTec folder under `workDir` (deterministic from the seed). */
export async function prepareDemo(line: ProductLine, spec: DemoSpec, workDir: string): Promise<PreparedDataset> {
  const name = `demo-${line}`;
  const dir = path.join(workDir, name);
  await fs.rm(dir, { recursive: true, force: true });
  const ds = await generateDemoDataset(
    { productLine: line, seed: spec.seed, size: spec.size, counts: { trainGood: spec.trainGood, testGood: spec.testGood, testDefective: spec.testDefective } },
    dir,
  );
  const c = ds.config;
  const description =
    `libs/datasets generateDemoDataset(productLine ${line}, seed ${c.seed}, ${c.size}x${c.size}, subtleFraction ${c.subtleFraction}): ` +
    `${c.counts.trainGood} train/good, ${c.counts.testGood} test/good, ${c.counts.testDefective} defective`;
  return { name, dir, info: { name, source: 'generated', description, files: fileCounts(await readMvtecFolder(dir)) } };
}
