import { Inject, Injectable } from '@nestjs/common';
import type { TVersion, TVersionDiff, TVersionLabelPage } from '@defectlab/contracts';
import { DATABASE } from '../database/database.module';
import type { Database } from '../database/database';
import type { Prisma } from '../generated/prisma/client';
import { AppError } from '../errors/app-error';
import { LABEL_SOURCE_SELECT, LABEL_STATE_SELECT, labelFilterWhere, toLabelSource, toLabelState } from './label-state';

const VERSION_SELECT = {
  id: true,
  datasetId: true,
  number: true,
  parentId: true,
  note: true,
  createdAt: true,
  createdBy: { select: { id: true, name: true } },
  _count: { select: { changes: true } },
} as const;

type VersionRow = Prisma.DatasetVersionGetPayload<{ select: typeof VERSION_SELECT }>;

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

@Injectable()
export class VersionsService {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async list(datasetId: string): Promise<TVersion[]> {
    const dataset = await this.db.prisma.dataset.findUnique({ where: { id: datasetId }, select: { id: true } });
    if (!dataset) throw new AppError('DATASET_NOT_FOUND', `no dataset ${datasetId}`);
    const rows = await this.db.prisma.datasetVersion.findMany({ where: { datasetId }, select: VERSION_SELECT, orderBy: { number: 'desc' } });
    return this.withCounts(rows);
  }

  async get(versionId: string): Promise<TVersion> {
    const row = await this.db.prisma.datasetVersion.findUnique({ where: { id: versionId }, select: VERSION_SELECT });
    if (!row) throw new AppError('VERSION_NOT_FOUND', `no dataset version ${versionId}`);
    return (await this.withCounts([row]))[0];
  }

  async labels(
    versionId: string,
    query: { page: number; pageSize: number; split?: string; value?: string; defectType?: string },
  ): Promise<TVersionLabelPage> {
    await this.requireVersion(versionId);
    const where = { versionId, ...labelFilterWhere(query) } as Prisma.LabelWhereInput;
    const [total, rows] = await Promise.all([
      this.db.prisma.label.count({ where }),
      this.db.prisma.label.findMany({
        where,
        orderBy: { image: { relPath: 'asc' } },
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
        select: {
          ...LABEL_STATE_SELECT,
          imageId: true,
          image: { select: { relPath: true, split: true, blob: { select: { sha256: true, width: true, height: true } } } },
          change: { select: LABEL_SOURCE_SELECT },
        },
      }),
    ]);
    return {
      page: query.page,
      pageSize: query.pageSize,
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

  /** Images whose label differs between two versions of one dataset (by relPath). */
  async diff(fromId: string, toId: string, page: number, pageSize: number): Promise<TVersionDiff> {
    const [from, to] = await Promise.all([this.requireVersion(fromId), this.requireVersion(toId)]);
    if (from.datasetId !== to.datasetId) {
      throw new AppError('VERSIONS_OF_DIFFERENT_DATASETS', `versions ${fromId} and ${toId} belong to different datasets`);
    }
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
      from: { id: from.id, number: from.number },
      to: { id: to.id, number: to.number },
      page,
      pageSize,
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

  async requireVersion(versionId: string): Promise<{ id: string; number: number; datasetId: string }> {
    const v = await this.db.prisma.datasetVersion.findUnique({ where: { id: versionId }, select: { id: true, number: true, datasetId: true } });
    if (!v) throw new AppError('VERSION_NOT_FOUND', `no dataset version ${versionId}`);
    return v;
  }

  /** Label counts per version, and whether each is its dataset's newest. */
  async withCounts(rows: VersionRow[]): Promise<TVersion[]> {
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

  async getMany(versionIds: string[]): Promise<TVersion[]> {
    return this.withCounts(await this.db.prisma.datasetVersion.findMany({ where: { id: { in: versionIds } }, select: VERSION_SELECT }));
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
