import { z } from 'zod';
import { ZLabelValue, ZSha256, ZSplit, ZUserRef, ZVersionRef } from '../datasets/datasets.schema';
import { ZPageQuery, zPage, ZTimestamp } from '../paging/page.schema';

export const ZVersion = z.object({
  id: z.uuid(),
  datasetId: z.uuid(),
  number: z.number().int().min(1),
  parentId: z.uuid().nullable(),
  note: z.string().nullable(),
  createdAt: ZTimestamp,
  createdBy: ZUserRef.nullable(),
  /** True for the newest version of its dataset. */
  isHead: z.boolean(),
  counts: z.object({
    images: z.number().int(),
    good: z.number().int(),
    defective: z.number().int(),
    uncertain: z.number().int(),
    /** Label changes committed in this version (0 for the import). */
    changes: z.number().int(),
  }),
});
export type TVersion = z.infer<typeof ZVersion>;

/** What a label says, without where it came from. `defectType` is null exactly when `value` is good. */
export const ZLabelState = z.object({
  value: ZLabelValue,
  defectType: z.string().nullable(),
  maskSha256: ZSha256.nullable(),
  uncertain: z.boolean(),
});
export type TLabelState = z.infer<typeof ZLabelState>;

/** Where a label came from: the import (version 1) or a curator's committed change. */
export const ZLabelSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('import') }),
  z.object({
    kind: z.literal('change'),
    changeId: z.uuid(),
    /** The version the change was committed in. */
    version: ZVersionRef,
    author: ZUserRef,
    reason: z.string(),
    createdAt: ZTimestamp,
  }),
]);
export type TLabelSource = z.infer<typeof ZLabelSource>;

export const ZVersionLabel = ZLabelState.extend({
  imageId: z.uuid(),
  relPath: z.string(),
  split: ZSplit,
  sha256: ZSha256,
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  source: ZLabelSource,
});
export type TVersionLabel = z.infer<typeof ZVersionLabel>;

export const ZVersionIdParams = z.object({ versionId: z.uuid() });

/** Filters shared by label lists and the review queue. `defectType=good` selects good labels. */
export const ZLabelFilter = z.object({
  split: ZSplit.optional(),
  value: ZLabelValue.optional(),
  defectType: z.string().min(1).max(64).optional(),
});

export const ZListLabelsQuery = ZPageQuery.extend(ZLabelFilter.shape);
export const ZVersionLabelPage = zPage(ZVersionLabel);
export type TVersionLabelPage = z.infer<typeof ZVersionLabelPage>;

export const ZDiffQuery = ZPageQuery.extend({ against: z.uuid() });
export const ZVersionDiffEntry = z.object({
  imageId: z.uuid(),
  relPath: z.string(),
  split: ZSplit,
  from: ZLabelState,
  to: ZLabelState,
});
export type TVersionDiffEntry = z.infer<typeof ZVersionDiffEntry>;
/** Images whose label differs between `from` (the path's version) and `to` (`?against=`). */
export const ZVersionDiff = zPage(ZVersionDiffEntry).extend({ from: ZVersionRef, to: ZVersionRef });
export type TVersionDiff = z.infer<typeof ZVersionDiff>;

/** Folder to write, relative to the export root; it must not exist yet. */
export const ZExportVersionInput = z.strictObject({ path: z.string().min(1).max(1024) });
export type TExportVersionInput = z.input<typeof ZExportVersionInput>;
export const ZExportResult = z.object({
  /** Absolute folder on the server (importable again with POST /api/datasets/import when inside an import root). */
  path: z.string(),
  version: ZVersionRef,
  images: z.number().int(),
  masks: z.number().int(),
  /**
   * MVTec's train folder holds only good images: a train image labelled defective is written to
   * test/<defect type>/ (source relPaths listed here). Validation images are written under test/ too.
   */
  movedToTest: z.array(z.string()),
  /** Files written under a different name because the name was taken in their class folder. */
  renamed: z.array(z.object({ from: z.string(), to: z.string() })),
});
export type TExportResult = z.infer<typeof ZExportResult>;
