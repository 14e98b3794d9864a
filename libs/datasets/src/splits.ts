import { createHash } from 'node:crypto';
import { resolveSplitRule, type TSplitRule } from '@defectlab/contracts';
import type { MvtecRecord } from './mvtec-folder';

/**
 * The documented, seedable split rule (`ZSplitRule` in libs/contracts, recorded verbatim with every run):
 *
 * - `kind: 'hash-v1'`: within each group, images are ordered by sha256(`${seed}:${relPath}`) and the first
 *   round(fraction * groupSize) go to validation.
 * - Groups: train/good (fraction `validationFractionGood`), and each test defect type separately
 *   (fraction `validationFractionDefective`, 0 = no defective images in validation).
 * - Everything else keeps its folder split (train/good -> train, test/* -> test).
 *
 * Because each image's rank depends only on its own path and the seed, adding images to a folder never
 * moves other images between splits except at the cut-off.
 */
export interface DatasetSplits {
  readonly train: MvtecRecord[];
  readonly validation: MvtecRecord[];
  readonly test: MvtecRecord[];
  /** The fully resolved rule, JSON-serialisable: store it to reproduce the split. */
  readonly rule: TSplitRule;
}

/**
 * Splits records into train / validation / test by the rule above. Output lists are sorted by relPath.
 * @param rule partial rule; the contracts' DEFAULT_SPLIT_RULE fills the rest, returned in `rule`.
 */
export function splitDataset(records: readonly MvtecRecord[], rule: Partial<TSplitRule> = {}): DatasetSplits {
  const resolved = resolveSplitRule(rule);
  const groups = new Map<string, MvtecRecord[]>();
  for (const r of records) {
    const key = r.split === 'train' ? 'train' : `test/${r.defectType}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  const train: MvtecRecord[] = [];
  const validation: MvtecRecord[] = [];
  const test: MvtecRecord[] = [];
  for (const [key, list] of groups) {
    let fraction = 0;
    if (key === 'train') fraction = resolved.validationFractionGood;
    else if (key !== 'test/good') fraction = resolved.validationFractionDefective;
    const ranked = [...list].sort((a, b) => compare(rank(resolved.seed, a.relPath), rank(resolved.seed, b.relPath)));
    const cut = Math.round(fraction * ranked.length);
    validation.push(...ranked.slice(0, cut));
    (key === 'train' ? train : test).push(...ranked.slice(cut));
  }
  const byPath = (a: MvtecRecord, b: MvtecRecord) => compare(a.relPath, b.relPath);
  return { train: train.sort(byPath), validation: validation.sort(byPath), test: test.sort(byPath), rule: resolved };
}

function rank(seed: number, relPath: string): string {
  return createHash('sha256').update(`${seed}:${relPath}`).digest('hex');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
