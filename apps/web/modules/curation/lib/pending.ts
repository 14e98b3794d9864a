import type { TLabelChangeProposal, TLabelState } from '@defectlab/contracts';

/** A curator's decision not yet committed: what the image was and what it should become. */
export interface PendingChange {
  readonly imageId: string;
  readonly relPath: string;
  readonly from: TLabelState;
  readonly proposal: TLabelChangeProposal;
}

export type Decision = 'good' | 'defective' | 'uncertain';

/** The defect type a curator picks when none of the dataset's types fits: chosen explicitly, never filled in silently. */
export const UNKNOWN_DEFECT_TYPE = 'unknown';

/**
 * The proposal a keyboard decision makes for an image: good (no defect type), defective (the chosen
 * type, or the image's current one), or the current label flagged uncertain. Defective without a chosen
 * type on an image that has none answers null: the curator must pick one (or "unknown" explicitly).
 */
export function proposalFor(decision: Decision, imageId: string, current: TLabelState, reason: string, defectType: string): TLabelChangeProposal | null {
  switch (decision) {
    case 'good':
      return { imageId, value: 'good', defectType: null, reason, uncertain: false };
    case 'defective': {
      const type = defectType || current.defectType;
      return type ? { imageId, value: 'defective', defectType: type, reason, uncertain: false } : null;
    }
    case 'uncertain':
      return { imageId, value: current.value, defectType: current.value === 'defective' ? current.defectType : null, reason, uncertain: true };
  }
}

/** Adds or replaces the pending change of one image (one change per image in a commit). */
export function upsertPending(list: readonly PendingChange[], change: PendingChange): PendingChange[] {
  return [...list.filter((c) => c.imageId !== change.imageId), change];
}

/** True when a proposal would change nothing. */
export function isNoop(from: TLabelState, p: TLabelChangeProposal): boolean {
  return from.value === p.value && (from.defectType ?? null) === (p.defectType ?? null) && from.uncertain === (p.uncertain ?? false);
}
