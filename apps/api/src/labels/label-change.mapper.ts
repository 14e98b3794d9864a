import type { TLabelChange } from '@defectlab/contracts';
import { toLabelState } from '../versions/label-state';

/** What a LabelChange row needs to be answered as the contracts' TLabelChange. */
export const LABEL_CHANGE_SELECT = {
  id: true,
  imageId: true,
  image: { select: { relPath: true } },
  baseVersion: { select: { id: true, number: true } },
  resultVersion: { select: { id: true, number: true } },
  fromValue: true,
  fromDefectType: true,
  fromMaskSha256: true,
  fromUncertain: true,
  toValue: true,
  toDefectType: true,
  toMaskSha256: true,
  toUncertain: true,
  reason: true,
  author: { select: { id: true, name: true, email: true } },
  createdAt: true,
} as const;

export interface LabelChangeRow {
  id: string;
  imageId: string;
  image: { relPath: string };
  baseVersion: { id: string; number: number };
  resultVersion: { id: string; number: number };
  fromValue: string;
  fromDefectType: string | null;
  fromMaskSha256: string | null;
  fromUncertain: boolean;
  toValue: string;
  toDefectType: string | null;
  toMaskSha256: string | null;
  toUncertain: boolean;
  reason: string;
  author: { id: string; name: string; email: string };
  createdAt: Date;
}

export function toLabelChange(r: LabelChangeRow): TLabelChange {
  return {
    id: r.id,
    imageId: r.imageId,
    relPath: r.image.relPath,
    baseVersion: r.baseVersion,
    resultVersion: r.resultVersion,
    from: toLabelState({ value: r.fromValue, defectType: r.fromDefectType, maskSha256: r.fromMaskSha256, uncertain: r.fromUncertain }),
    to: toLabelState({ value: r.toValue, defectType: r.toDefectType, maskSha256: r.toMaskSha256, uncertain: r.toUncertain }),
    reason: r.reason,
    author: r.author,
    createdAt: r.createdAt.toISOString(),
  };
}
