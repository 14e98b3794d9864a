import { z } from 'zod';
import { ZTimestamp } from '../paging/page.schema';

/** Product lines are short lowercase identifiers, e.g. "lens", "flex", "smt". */
export const ZProductLine = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, "_" or "-" (at most 64)');
export const ZDatasetName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,127}$/, 'letters, digits, space, ".", "_" or "-" (at most 128)');
/** A defect type is also a folder name in the MVTec layout. "good" is not a defect type. */
export const ZDefectType = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, "_" or "-" (at most 64)')
  .refine((t) => t !== 'good', '"good" is a label value, not a defect type');
export const ZSplit = z.enum(['train', 'validation', 'test']);
export type TSplit = z.infer<typeof ZSplit>;
export const ZLabelValue = z.enum(['good', 'defective']);
export type TLabelValue = z.infer<typeof ZLabelValue>;
export const ZSha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');

export const ZUserRef = z.object({ id: z.uuid(), name: z.string() });

export const ZVersionRef = z.object({ id: z.uuid(), number: z.number().int().min(1) });
export type TVersionRef = z.infer<typeof ZVersionRef>;

export const ZDataset = z.object({
  id: z.uuid(),
  name: z.string(),
  productLine: z.string(),
  description: z.string().nullable(),
  /** "path:<folder the import read>" or "upload:<archive file name>". */
  source: z.string().nullable(),
  createdAt: ZTimestamp,
  createdBy: ZUserRef.nullable(),
  imageCount: z.number().int(),
  splits: z.object({ train: z.number().int(), validation: z.number().int(), test: z.number().int() }),
  /** The newest version: the one relabeling builds on. */
  headVersion: ZVersionRef,
  versionCount: z.number().int(),
});
export type TDataset = z.infer<typeof ZDataset>;

export const ZDatasetIdParams = z.object({ datasetId: z.uuid() });
export const ZListDatasetsQuery = z.object({ productLine: ZProductLine.optional() });

/**
 * Import an MVTec-AD-layout folder on the server: `train/good`, `test/good`, `test/<defect type>`,
 * `ground_truth/<defect type>/<stem>_mask.<ext>`. `path` is relative to one of the configured import
 * roots (the first that holds it) or absolute inside one; ".." is refused.
 */
export const ZImportFromPathInput = z.strictObject({
  path: z.string().min(1).max(4096),
  name: ZDatasetName,
  productLine: ZProductLine,
  description: z.string().max(2000).optional(),
  /** Chosen by the client to follow progress with GET /api/imports/:importId while the request runs. */
  importId: z.uuid().optional(),
});
export type TImportFromPathInput = z.input<typeof ZImportFromPathInput>;

/** Text fields of the multipart upload (the archive itself is the file field `archive`). */
export const ZUploadDatasetFields = z.object({
  name: ZDatasetName,
  productLine: ZProductLine,
  description: z.string().max(2000).optional(),
  importId: z.uuid().optional(),
});
export type TUploadDatasetFields = z.input<typeof ZUploadDatasetFields>;

export const ZImportPhase = z.enum(['queued', 'scanning', 'validating', 'storing', 'database', 'done', 'failed']);
export type TImportPhase = z.infer<typeof ZImportPhase>;

export const ZImportProgress = z.object({
  importId: z.uuid(),
  datasetName: z.string(),
  source: z.string(),
  phase: ZImportPhase,
  /** Items done and total in the current phase (files while validating and storing, rows in the database phase). */
  done: z.number().int(),
  total: z.number().int(),
  startedAt: ZTimestamp,
  finishedAt: ZTimestamp.nullable(),
  error: z.string().nullable(),
  datasetId: z.uuid().nullable(),
});
export type TImportProgress = z.infer<typeof ZImportProgress>;
export const ZImportIdParams = z.object({ importId: z.uuid() });

export const ZImportResult = z.object({
  /** false when a dataset of this name with exactly this content existed already (nothing was written). */
  created: z.boolean(),
  importId: z.uuid(),
  dataset: ZDataset,
  version: ZVersionRef,
  stats: z.object({
    images: z.number().int(),
    masks: z.number().int(),
    /** Blobs written by this import; the rest were already in the store (same sha256). */
    newBlobs: z.number().int(),
    bytes: z.number().int(),
    durationMs: z.number(),
  }),
});
export type TImportResult = z.infer<typeof ZImportResult>;

export const ZImage = z.object({
  id: z.uuid(),
  datasetId: z.uuid(),
  relPath: z.string(),
  split: ZSplit,
  sha256: ZSha256,
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  format: z.string(),
  bytes: z.number().int(),
});
export type TImage = z.infer<typeof ZImage>;
export const ZImageIdParams = z.object({ imageId: z.uuid() });
export const ZBlobParams = z.object({ sha256: ZSha256 });
