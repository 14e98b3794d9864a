import { Inject, Injectable } from '@nestjs/common';
import type { TLabelChange, TLabelState } from '@defectlab/contracts';
import type { Database } from '../database/database';
import { DATABASE } from '../database/database.module';
import { Prisma } from '../generated/prisma/client';
import { toLabelState } from '../versions/label-state';
import { LABEL_CHANGE_SELECT, toLabelChange } from './label-change.mapper';

/** An image a proposal may name: its path and size (a new mask must match it). */
export const PROPOSED_IMAGE_SELECT = { id: true, relPath: true, blob: { select: { width: true, height: true } } } satisfies Prisma.ImageSelect;
export type ProposedImage = Prisma.ImageGetPayload<{ select: typeof PROPOSED_IMAGE_SELECT }>;

/** The newest version of a dataset with the counts a new version copies. */
export const HEAD_VERSION_SELECT = { id: true, number: true, imageCount: true, trainCount: true, validationCount: true, testCount: true } satisfies Prisma.DatasetVersionSelect;
export type HeadVersion = Prisma.DatasetVersionGetPayload<{ select: typeof HEAD_VERSION_SELECT }>;

/** An image as its label history names it. */
export const HISTORY_IMAGE_SELECT = { id: true, datasetId: true, relPath: true, split: true, blobSha256: true } satisfies Prisma.ImageSelect;
export type HistoryImage = Prisma.ImageGetPayload<{ select: typeof HISTORY_IMAGE_SELECT }>;

/** The label an image was imported with (version 1). */
export const IMPORTED_LABEL_SELECT = { value: true, defectType: true, maskSha256: true, uncertain: true, version: { select: { id: true, number: true } } } satisfies Prisma.LabelSelect;

export interface NewMask {
  sha256: string;
  bytes: number;
  format: string;
  width: number;
  height: number;
  storageKey: string;
}

/** One planned label change: the proposal's image and reason, the label before and after. */
export interface PlannedChange {
  id: string;
  imageId: string;
  reason: string;
  from: TLabelState;
  to: TLabelState;
}

const COMMIT_TX = { timeout: 120_000, maxWait: 30_000 };

/** The queries of one relabel commit, inside its transaction (the dataset's row is locked when it is handed out). */
export class RelabelTransaction {
  constructor(private readonly tx: Prisma.TransactionClient) {}

  head(datasetId: string): Promise<HeadVersion> {
    return this.tx.datasetVersion.findFirstOrThrow({ where: { datasetId }, orderBy: { number: 'desc' }, select: HEAD_VERSION_SELECT });
  }

  /** Images among `imageIds` whose label differs between `baseId` and `headId`, with the version that changed them. */
  changedSince(baseId: string, headId: string, imageIds: string[]): Promise<{ imageId: string; relPath: string; number: number }[]> {
    return this.tx.$queryRaw<{ imageId: string; relPath: string; number: number }[]>`
      SELECT a."imageId", i."relPath", v."number"
      FROM "Label" a
      JOIN "Label" b ON b."imageId" = a."imageId" AND b."versionId" = ${headId}::uuid
      JOIN "Image" i ON i."id" = a."imageId"
      LEFT JOIN "LabelChange" c ON c."id" = b."changeId"
      LEFT JOIN "DatasetVersion" v ON v."id" = c."resultVersionId"
      WHERE a."versionId" = ${baseId}::uuid
        AND a."imageId" IN (${Prisma.join(imageIds.map((id) => Prisma.sql`${id}::uuid`))})
        AND (a."value" <> b."value" OR a."defectType" IS DISTINCT FROM b."defectType"
             OR a."maskSha256" IS DISTINCT FROM b."maskSha256" OR a."uncertain" <> b."uncertain")
      ORDER BY i."relPath"`;
  }

  /** The labels of `imageIds` in the version, by image id. */
  async labelsOf(versionId: string, imageIds: string[]): Promise<Map<string, TLabelState>> {
    const rows = await this.tx.label.findMany({
      where: { versionId, imageId: { in: imageIds } },
      select: { imageId: true, value: true, defectType: true, maskSha256: true, uncertain: true },
    });
    return new Map(rows.map((l) => [l.imageId, toLabelState(l)]));
  }

  /**
   * Writes the next version on top of `head`: the new masks' blobs, the version (with the head's images and
   * counts: a commit relabels, it never adds or removes images), one LabelChange per planned change, the changed
   * labels linked to their change and the others carried over with their provenance.
   */
  async writeVersion(
    args: { datasetId: string; baseId: string; head: HeadVersion; note: string | null; authorId: string },
    planned: PlannedChange[],
    newMasks: NewMask[],
  ): Promise<{ id: string; number: number }> {
    const { tx } = this;
    const { head, authorId } = args;
    if (newMasks.length > 0) await tx.blob.createMany({ data: newMasks, skipDuplicates: true });
    const version = await tx.datasetVersion.create({
      data: {
        datasetId: args.datasetId,
        number: head.number + 1,
        parentId: head.id,
        note: args.note,
        createdById: authorId,
        imageCount: head.imageCount,
        trainCount: head.trainCount,
        validationCount: head.validationCount,
        testCount: head.testCount,
      },
      select: { id: true, number: true },
    });
    await tx.labelChange.createMany({
      data: planned.map((p) => ({
        id: p.id,
        imageId: p.imageId,
        baseVersionId: args.baseId,
        resultVersionId: version.id,
        fromValue: p.from.value,
        fromDefectType: p.from.defectType,
        fromMaskSha256: p.from.maskSha256,
        fromUncertain: p.from.uncertain,
        toValue: p.to.value,
        toDefectType: p.to.defectType,
        toMaskSha256: p.to.maskSha256,
        toUncertain: p.to.uncertain,
        reason: p.reason,
        authorId,
      })),
    });
    // unchanged labels are carried over with their provenance (changeId of the decision that set them, or null = import)
    await tx.$executeRaw`
      INSERT INTO "Label" ("id", "versionId", "imageId", "value", "defectType", "maskSha256", "uncertain", "changeId")
      SELECT gen_random_uuid(), ${version.id}::uuid, l."imageId", l."value", l."defectType", l."maskSha256", l."uncertain", l."changeId"
      FROM "Label" l
      WHERE l."versionId" = ${head.id}::uuid
        AND NOT EXISTS (SELECT 1 FROM "LabelChange" c WHERE c."resultVersionId" = ${version.id}::uuid AND c."imageId" = l."imageId")`;
    await tx.label.createMany({
      data: planned.map((p) => ({
        versionId: version.id,
        imageId: p.imageId,
        value: p.to.value,
        defectType: p.to.defectType,
        maskSha256: p.to.maskSha256,
        uncertain: p.to.uncertain,
        changeId: p.id,
      })),
    });
    return version;
  }
}

/** Every Prisma call of relabeling and label history (the review queue's ranking: review-queue.repository.ts). */
@Injectable()
export class LabelsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  proposedImages(imageIds: string[], datasetId: string): Promise<ProposedImage[]> {
    return this.db.prisma.image.findMany({ where: { id: { in: imageIds }, datasetId }, select: PROPOSED_IMAGE_SELECT });
  }

  /** Runs `fn` in one transaction holding a row lock on the dataset, so commits of one dataset are serialised. */
  inDatasetLock<T>(datasetId: string, fn: (tx: RelabelTransaction) => Promise<T>): Promise<T> {
    return this.db.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT "id" FROM "Dataset" WHERE "id" = ${datasetId}::uuid FOR UPDATE`;
      return fn(new RelabelTransaction(tx));
    }, COMMIT_TX);
  }

  /** The changes that made a version, by image path. */
  async changesOfVersion(versionId: string): Promise<TLabelChange[]> {
    return (await this.db.prisma.labelChange.findMany({ where: { resultVersionId: versionId }, select: LABEL_CHANGE_SELECT, orderBy: { image: { relPath: 'asc' } } })).map(toLabelChange);
  }

  findImage(imageId: string): Promise<HistoryImage | null> {
    return this.db.prisma.image.findUnique({ where: { id: imageId }, select: HISTORY_IMAGE_SELECT });
  }

  async importedLabel(imageId: string): Promise<TLabelState & { version: { id: string; number: number } }> {
    const imported = await this.db.prisma.label.findFirstOrThrow({ where: { imageId, version: { number: 1 } }, select: IMPORTED_LABEL_SELECT });
    return { ...toLabelState(imported), version: imported.version };
  }

  /** The changes of an image's label, oldest first. */
  async changesOfImage(imageId: string): Promise<TLabelChange[]> {
    return (
      await this.db.prisma.labelChange.findMany({ where: { imageId }, select: LABEL_CHANGE_SELECT, orderBy: [{ createdAt: 'asc' }, { resultVersion: { number: 'asc' } }] })
    ).map(toLabelChange);
  }
}
