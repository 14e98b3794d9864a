import { z } from 'zod';
import { ZDefectType, ZLabelValue, ZSha256, ZSplit, ZUserRef, ZVersionRef } from '../datasets/datasets.schema';
import { ZPageQuery, zPage, ZTimestamp } from '../paging/page.schema';
import { ZLabelFilter, ZLabelState, ZVersion } from '../versions/versions.schema';

/**
 * One proposed label change. `defectType` is required for defective and must be absent (or null) for good.
 * `maskBase64` (PNG, JPEG, TIFF or BMP of the image's size): a new mask; null removes the mask; absent keeps
 * the current mask while the image stays defective (a good label never has a mask).
 */
export const ZLabelChangeProposal = z
  .strictObject({
    imageId: z.uuid(),
    value: ZLabelValue,
    defectType: ZDefectType.nullable().optional(),
    reason: z.string().trim().min(1, 'give a reason').max(2000),
    uncertain: z.boolean().default(false),
    maskBase64: z.string().max(12_000_000).nullable().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.value === 'defective' && !c.defectType) {
      ctx.addIssue({ code: 'custom', path: ['defectType'], message: 'a defective label needs a defect type' });
    }
    if (c.value === 'good' && c.defectType) {
      ctx.addIssue({ code: 'custom', path: ['defectType'], message: 'a good label has no defect type' });
    }
    if (c.value === 'good' && c.maskBase64) {
      ctx.addIssue({ code: 'custom', path: ['maskBase64'], message: 'a good label has no mask' });
    }
  });
export type TLabelChangeProposal = z.input<typeof ZLabelChangeProposal>;

/**
 * Commit a batch of changes on top of the version in the path (the version the curator started from).
 * When that version is no longer the newest, the commit is refused with 409 (the conflicting images are listed
 * in `issues`) unless `allowRebase` is set and none of the proposed images changed since: then the batch is
 * applied on top of the newest version.
 */
export const ZCommitLabelChangesInput = z
  .strictObject({
    note: z.string().max(2000).optional(),
    allowRebase: z.boolean().default(false),
    changes: z.array(ZLabelChangeProposal).min(1).max(10_000),
  })
  .superRefine((input, ctx) => {
    const seen = new Map<string, number>();
    input.changes.forEach((c, i) => {
      const first = seen.get(c.imageId);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['changes', i, 'imageId'], message: `image ${c.imageId} is already changed by changes.${first}` });
      } else seen.set(c.imageId, i);
    });
  });
export type TCommitLabelChangesInput = z.input<typeof ZCommitLabelChangesInput>;

/** An audited decision: who changed which image from what to what, why, when, and in which version. */
export const ZLabelChange = z.object({
  id: z.uuid(),
  imageId: z.uuid(),
  relPath: z.string(),
  /** The version the curator started from. */
  baseVersion: ZVersionRef,
  /** The version the change created. */
  resultVersion: ZVersionRef,
  from: ZLabelState,
  to: ZLabelState,
  reason: z.string(),
  author: ZUserRef.extend({ email: z.string() }),
  createdAt: ZTimestamp,
});
export type TLabelChange = z.infer<typeof ZLabelChange>;

export const ZCommitResult = z.object({
  version: ZVersion,
  changes: z.array(ZLabelChange),
  /** Set when the batch was applied on top of a newer version than the one in the path (allowRebase). */
  rebasedOnto: ZVersionRef.nullable(),
});
export type TCommitResult = z.infer<typeof ZCommitResult>;

export const ZImageHistory = z.object({
  image: z.object({ id: z.uuid(), datasetId: z.uuid(), relPath: z.string(), split: ZSplit, sha256: ZSha256 }),
  /** The label the import gave (version 1). */
  imported: ZLabelState.extend({ version: ZVersionRef }),
  /** Every committed change of this image, oldest first. */
  changes: z.array(ZLabelChange),
});
export type TImageHistory = z.infer<typeof ZImageHistory>;

export const ZReviewQueueQuery = ZPageQuery.extend(ZLabelFilter.shape).extend({
  /**
   * Name of the operating point whose threshold "near the threshold" refers to (per evaluation);
   * default: "miss<=0.5%" where an evaluation has it, else its earliest non-oracle operating point.
   */
  operatingPoint: z.string().min(1).max(200).optional(),
  /** How near counts as near: |score - threshold| <= margin x (std. deviation of that evaluation's scores). */
  margin: z.coerce.number().positive().max(10).default(0.25),
  /** Labels changed within this many days count as recently changed. */
  recentDays: z.coerce.number().positive().max(3650).default(14),
});

export const ZReviewItem = z.object({
  imageId: z.uuid(),
  relPath: z.string(),
  split: ZSplit,
  label: ZLabelState,
  /**
   * Sum of: 1 for an uncertain label; 0.5 for a recent change; up to 1 for the nearest score to a threshold
   * (1 at the threshold, 0 at the margin); up to 2 for disagreement between models (2 at an even split).
   */
  priority: z.number(),
  reasons: z.object({
    uncertain: z.boolean(),
    recentChange: z.object({ changeId: z.uuid(), changedAt: ZTimestamp }).nullable(),
    nearThreshold: z.array(
      z.object({ evaluationId: z.uuid(), runId: z.uuid(), score: z.number(), threshold: z.number(), distance: z.number() }),
    ),
    /** Latest evaluations of different runs: how many call the image defective (score >= their threshold) and good. */
    disagreement: z.object({ defective: z.number().int(), good: z.number().int() }).nullable(),
  }),
});
export type TReviewItem = z.infer<typeof ZReviewItem>;
export const ZReviewQueue = zPage(ZReviewItem).extend({ version: ZVersionRef, evaluationsConsidered: z.number().int() });
export type TReviewQueue = z.infer<typeof ZReviewQueue>;
