import { Inject, Injectable } from '@nestjs/common';
import type { TVersion, TVersionDiff, TVersionLabelPage } from '@defectlab/contracts';
import type { Database } from '../database/database';
import { DATABASE } from '../database/database.module';
import type { Prisma } from '../generated/prisma/client';
import { LABEL_SOURCE_SELECT, LABEL_STATE_SELECT, labelFilterWhere, toLabelSource, toLabelState } from './label-state';

/** The columns a version is answered with (its label counts are added by `withCounts`). */
export const VERSION_SELECT = {
  id: true,
  datasetId: true,
  number: true,
  parentId: true,
  note: true,
  createdAt: true,
  createdBy: { select: { id: true, name: true } },
  _count: { select: { changes: true } },
} satisfies Prisma.DatasetVersionSelect;
type VersionRow = Prisma.DatasetVersionGetPayload<{ select: typeof VERSION_SELECT }>;

/** What identifies a version: enough to check it exists and which dataset it belongs to. */
export const VERSION_REF_SELECT = { id: true, number: true, datasetId: true } satisfies Prisma.DatasetVersionSelect;
export type VersionRef = Prisma.DatasetVersionGetPayload<{ select: typeof VERSION_REF_SELECT }>;

/** A label row of a version's label page: its state, its image and where it came from. */
export const LABEL_PAGE_SELECT = {
  ...LABEL_STATE_SELECT,
  imageId: true,
  image: { select: { relPath: true, split: true, blob: { select: { sha256: true, width: true, height: true } } } },
  change: { select: LABEL_SOURCE_SELECT },
} satisfies Prisma.LabelSelect;

/** The version an export names its folder and manifest after. */
export const EXPORT_VERSION_SELECT = { id: true, number: true, dataset: { select: { id: true, name: true, productLine: true } } } satisfies Prisma.DatasetVersionSelect;
export type ExportVersionRow = Prisma.DatasetVersionGetPayload<{ select: typeof EXPORT_VERSION_SELECT }>;

/** A label as an export writes it: its state and the stored bytes of its image and mask. */
export const EXPORT_LABEL_SELECT = {
  value: true,
  defectType: true,
  uncertain: true,
  image: { select: { relPath: true, split: true, blob: { select: { sha256: true, storageKey: true, format: true } } } },
  mask: { select: { sha256: true, storageKey: true, format: true } },
} satisfies Prisma.LabelSelect;
export type ExportLabelRow = Prisma.LabelGetPayload<{ select: typeof EXPORT_LABEL_SELECT }>;

export type LabelPageQuery = { page: number; pageSize: number; split?: string; value?: string; defectType?: string };

interface DiffRow {
  imageId: string;
  relPath: string;
  split: string;
  fromValue: string;
  fromDefectType: string | null;
  fromMask: string | null;
  fromUncertain: boolean;
  toValue: string;
  toDefectType: string | null;
  toMask: string | null;
  toUncertain: boolean;
  total: bigint | number;
}

/** Every Prisma call of the versions feature (reads; versions are written by imports and relabels). */
@Injectable()
export class VersionsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async datasetExists(datasetId: string): Promise<boolean> {
    return (await this.db.prisma.dataset.findUnique({ where: { id: datasetId }, select: { id: true } })) !== null;
  }

  /** The dataset's versions, newest first. */
  async listOfDataset(datasetId: string): Promise<TVersion[]> {
    return this.withCounts(await this.db.prisma.datasetVersion.findMany({ where: { datasetId }, select: VERSION_SELECT, orderBy: { number: 'desc' } }));
  }

  async find(versionId: string): Promise<TVersion | null> {
    const row = await this.db.prisma.datasetVersion.findUnique({ where: { id: versionId }, select: VERSION_SELECT });
    return row ? (await this.withCounts([row]))[0] : null;
  }

  async findMany(versionIds: string[]): Promise<TVersion[]> {
    return this.withCounts(await this.db.prisma.datasetVersion.findMany({ where: { id: { in: versionIds } }, select: VERSION_SELECT }));
  }

  findRef(versionId: string): Promise<VersionRef | null> {
    return this.db.prisma.datasetVersion.findUnique({ where: { id: versionId }, select: VERSION_REF_SELECT });
  }

  /** One page of a version's labels, by image path. */
  async labelPage(versionId: string, query: LabelPageQuery): Promise<Pick<TVersionLabelPage, 'total' | 'items'>> {
    const where = { versionId, ...labelFilterWhere(query) } as Prisma.LabelWhereInput;
    const [total, rows] = await Promise.all([
      this.db.prisma.label.count({ where }),
      this.db.prisma.label.findMany({
        where,
        orderBy: { image: { relPath: 'asc' } },
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
        select: LABEL_PAGE_SELECT,
      }),
    ]);
    return {
      total,
      items: rows.map((r) => ({
        ...toLabelState(r),
        imageId: r.imageId,
        relPath: r.image.relPath,
        split: r.image.split,
        sha256: r.image.blob.sha256,
        width: r.image.blob.width,
        height: r.image.blob.height,
        source: toLabelSource(r.change),
      })),
    };
  }

  /** One page of the images whose label differs between two versions (by image path), and their total. */
  async diffPage(fromId: string, toId: string, page: number, pageSize: number): Promise<Pick<TVersionDiff, 'total' | 'items'>> {
    const rows = await this.db.prisma.$queryRaw<DiffRow[]>`
      SELECT a."imageId", i."relPath", i."split"::text AS "split",
             a."value"::text AS "fromValue", a."defectType" AS "fromDefectType", a."maskSha256" AS "fromMask", a."uncertain" AS "fromUncertain",
             b."value"::text AS "toValue", b."defectType" AS "toDefectType", b."maskSha256" AS "toMask", b."uncertain" AS "toUncertain",
             count(*) OVER () AS "total"
      FROM "Label" a
      JOIN "Label" b ON b."imageId" = a."imageId" AND b."versionId" = ${toId}::uuid
      JOIN "Image" i ON i."id" = a."imageId"
      WHERE a."versionId" = ${fromId}::uuid
        AND (a."value" <> b."value" OR a."defectType" IS DISTINCT FROM b."defectType"
             OR a."maskSha256" IS DISTINCT FROM b."maskSha256" OR a."uncertain" <> b."uncertain")
      ORDER BY i."relPath"
      LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`;
    const total = rows.length > 0 ? Number(rows[0].total) : await this.diffCount(fromId, toId);
    return {
      total,
      items: rows.map((r) => ({
        imageId: r.imageId,
        relPath: r.relPath,
        split: r.split as 'train' | 'validation' | 'test',
        from: toLabelState({ value: r.fromValue, defectType: r.fromDefectType, maskSha256: r.fromMask, uncertain: r.fromUncertain }),
        to: toLabelState({ value: r.toValue, defectType: r.toDefectType, maskSha256: r.toMask, uncertain: r.toUncertain }),
      })),
    };
  }

  findForExport(versionId: string): Promise<ExportVersionRow | null> {
    return this.db.prisma.datasetVersion.findUnique({ where: { id: versionId }, select: EXPORT_VERSION_SELECT });
  }

  /** Every label of the version with its stored files, by image path. */
  labelsForExport(versionId: string): Promise<ExportLabelRow[]> {
    return this.db.prisma.label.findMany({ where: { versionId }, orderBy: { image: { relPath: 'asc' } }, select: EXPORT_LABEL_SELECT });
  }

  /** Label counts per version, and whether each is its dataset's newest. */
  private async withCounts(rows: VersionRow[]): Promise<TVersion[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const datasetIds = [...new Set(rows.map((r) => r.datasetId))];
    const [byValue, uncertain, heads] = await Promise.all([
      this.db.prisma.label.groupBy({ by: ['versionId', 'value'], where: { versionId: { in: ids } }, _count: { _all: true } }),
      this.db.prisma.label.groupBy({ by: ['versionId'], where: { versionId: { in: ids }, uncertain: true }, _count: { _all: true } }),
      this.db.prisma.datasetVersion.groupBy({ by: ['datasetId'], where: { datasetId: { in: datasetIds } }, _max: { number: true } }),
    ]);
    return rows.map((r) => {
      const good = byValue.find((c) => c.versionId === r.id && c.value === 'good')?._count._all ?? 0;
      const defective = byValue.find((c) => c.versionId === r.id && c.value === 'defective')?._count._all ?? 0;
      return {
        id: r.id,
        datasetId: r.datasetId,
        number: r.number,
        parentId: r.parentId,
        note: r.note,
        createdAt: r.createdAt.toISOString(),
        createdBy: r.createdBy,
        isHead: heads.find((h) => h.datasetId === r.datasetId)?._max.number === r.number,
        counts: {
          images: good + defective,
          good,
          defective,
          uncertain: uncertain.find((c) => c.versionId === r.id)?._count._all ?? 0,
          changes: r._count.changes,
        },
      };
    });
  }

  private async diffCount(fromId: string, toId: string): Promise<number> {
    const [{ n }] = await this.db.prisma.$queryRaw<{ n: bigint | number }[]>`
      SELECT count(*) AS n FROM "Label" a
      JOIN "Label" b ON b."imageId" = a."imageId" AND b."versionId" = ${toId}::uuid
      WHERE a."versionId" = ${fromId}::uuid
        AND (a."value" <> b."value" OR a."defectType" IS DISTINCT FROM b."defectType"
             OR a."maskSha256" IS DISTINCT FROM b."maskSha256" OR a."uncertain" <> b."uncertain")`;
    return Number(n);
  }
}
