import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDemoDataset } from '@defectlab/datasets';

/** Counts of the generated fixture: 6 train/good, 3 test/good, 4 defective (scratch x2, smudge, spot), all 64x64 PNG. */
export const FIXTURE_COUNTS = { trainGood: 6, testGood: 3, testDefective: 4 };
export const FIXTURE_IMAGES = 13;

let template: string | null = null;

/** A fresh copy of a small generated MVTec-layout dataset (generated once per test file) at `dest`. */
export async function writeFixtureDataset(dest: string, seed = 1): Promise<string> {
  if (!template || seed !== 1) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'defectlab-fixture-'));
    await generateDemoDataset({ productLine: 'lens', seed, counts: FIXTURE_COUNTS, size: 64 }, dir);
    if (seed !== 1) {
      cpSync(dir, dest, { recursive: true });
      return dest;
    }
    template = dir;
  }
  cpSync(template, dest, { recursive: true });
  return dest;
}

/** A .tar (or .tar.gz) of `dir`'s contents made by GNU tar, with the dataset at the top level or inside `wrap/`. */
export function tarOf(dir: string, options: { gzip?: boolean; wrap?: string } = {}): Buffer {
  const args = [options.gzip ? '-czf' : '-cf', '-', '--format=gnu'];
  if (options.wrap) args.push('--transform', `s,^\\.,${options.wrap},`);
  args.push('-C', dir, '.');
  return execFileSync('tar', args, { maxBuffer: 1 << 30 });
}

/** Every file below `dir` with its bytes, keyed by relative path (to compare folders). */
export function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(path.relative(dir, full).split(path.sep).join('/'), readFileSync(full));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}
