import type { TArtifact } from '@defectlab/contracts';

/** Kinds a run stores many of where only the newest matters to a reader (a checkpoint per epoch). */
const COLLAPSED_KINDS = new Set(['checkpoint']);

/**
 * A run's artifacts for listing: each collapsed kind becomes one entry (its newest artifact and how many
 * there are), every other artifact stays its own entry, in the order of first appearance.
 */
export function groupArtifacts(items: readonly TArtifact[]): { latest: TArtifact; count: number }[] {
  const out: { latest: TArtifact; count: number }[] = [];
  const byKind = new Map<string, { latest: TArtifact; count: number }>();
  for (const a of items) {
    if (!COLLAPSED_KINDS.has(a.kind)) {
      out.push({ latest: a, count: 1 });
      continue;
    }
    const g = byKind.get(a.kind);
    if (!g) {
      const entry = { latest: a, count: 1 };
      byKind.set(a.kind, entry);
      out.push(entry);
    } else {
      g.count++;
      if (a.createdAt >= g.latest.createdAt) g.latest = a;
    }
  }
  return out;
}
