import type { TVersionLabel } from '@defectlab/contracts';

/** "good" or the defect type ("defective" when a defective label has none). */
export function classOf(l: Pick<TVersionLabel, 'value' | 'defectType'>): string {
  return l.value === 'good' ? 'good' : (l.defectType ?? 'defective');
}

export interface ClassCounts {
  /** good first, then the defect types alphabetically */
  readonly classes: readonly string[];
  readonly splits: readonly string[];
  /** counts[class][split] */
  readonly counts: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly totalBySplit: ReadonlyMap<string, number>;
}

const SPLIT_ORDER = ['train', 'validation', 'test'];

/** Images per class (good, each defect type) and split of one version's labels. */
export function countByClassAndSplit(labels: Iterable<Pick<TVersionLabel, 'value' | 'defectType' | 'split'>>): ClassCounts {
  const counts = new Map<string, Map<string, number>>();
  const totalBySplit = new Map<string, number>(SPLIT_ORDER.map((s) => [s, 0]));
  for (const l of labels) {
    const c = classOf(l);
    const row = counts.get(c) ?? new Map<string, number>();
    row.set(l.split, (row.get(l.split) ?? 0) + 1);
    counts.set(c, row);
    totalBySplit.set(l.split, (totalBySplit.get(l.split) ?? 0) + 1);
  }
  const classes = [...counts.keys()].sort((a, b) => (a === 'good' ? -1 : b === 'good' ? 1 : a.localeCompare(b)));
  const splits = [...totalBySplit.keys()].sort((a, b) => idx(a) - idx(b));
  return { classes, splits, counts, totalBySplit };
}

function idx(split: string): number {
  const i = SPLIT_ORDER.indexOf(split);
  return i === -1 ? SPLIT_ORDER.length : i;
}

/** Up to `perClass` images of each class (in path order), for a sample grid. */
export function samplesPerClass<L extends Pick<TVersionLabel, 'value' | 'defectType' | 'relPath'>>(labels: Iterable<L>, perClass: number): Map<string, L[]> {
  const out = new Map<string, L[]>();
  for (const l of [...labels].sort((a, b) => a.relPath.localeCompare(b.relPath))) {
    const list = out.get(classOf(l)) ?? [];
    if (list.length < perClass) list.push(l);
    out.set(classOf(l), list);
  }
  return out;
}
