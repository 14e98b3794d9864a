import type { TLabelSource, TLabelState } from '@defectlab/contracts';

/** The label columns every query selects. */
export const LABEL_STATE_SELECT = { value: true, defectType: true, maskSha256: true, uncertain: true } as const;

export interface LabelStateRow {
  value: string;
  defectType: string | null;
  maskSha256: string | null;
  uncertain: boolean;
}

export function toLabelState(row: LabelStateRow): TLabelState {
  return { value: row.value as TLabelState['value'], defectType: row.defectType, maskSha256: row.maskSha256, uncertain: row.uncertain };
}

export function sameLabelState(a: TLabelState, b: TLabelState): boolean {
  return a.value === b.value && a.defectType === b.defectType && a.maskSha256 === b.maskSha256 && a.uncertain === b.uncertain;
}

/** Where a label came from, given its (optional) change. */
export const LABEL_SOURCE_SELECT = {
  id: true,
  reason: true,
  createdAt: true,
  author: { select: { id: true, name: true } },
  resultVersion: { select: { id: true, number: true } },
} as const;

export interface LabelSourceRow {
  id: string;
  reason: string;
  createdAt: Date;
  author: { id: string; name: string };
  resultVersion: { id: string; number: number };
}

export function toLabelSource(change: LabelSourceRow | null): TLabelSource {
  if (!change) return { kind: 'import' };
  return {
    kind: 'change',
    changeId: change.id,
    version: change.resultVersion,
    author: change.author,
    reason: change.reason,
    createdAt: change.createdAt.toISOString(),
  };
}

/** Prisma `where` of the label filters shared by label lists (defectType "good" selects good labels). */
export function labelFilterWhere(filter: { split?: string; value?: string; defectType?: string }) {
  const where: Record<string, unknown> = {};
  if (filter.split) where['image'] = { split: filter.split };
  if (filter.value) where['value'] = filter.value;
  if (filter.defectType === 'good') {
    if (filter.value === 'defective') where['id'] = { in: [] }; // good and defective at once: nothing
    else where['value'] = 'good';
  } else if (filter.defectType) where['defectType'] = filter.defectType;
  return where;
}
