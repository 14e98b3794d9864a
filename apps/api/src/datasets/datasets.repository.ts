import { Inject, Injectable } from '@nestjs/common';
import type { TDataset, TImage } from '@defectlab/contracts';
import type { Database } from '../database/database';
import { DATABASE } from '../database/database.module';
import { Prisma } from '../generated/prisma/client';

/** The columns a dataset is answered with (its counts come from its newest version, see `HeadRow`). */
export const DATASET_SELECT = {
  id: true,
  name: true,
  productLine: true,
  description: true,
  source: true,
  createdAt: true,
  createdBy: { select: { id: true, name: true } },
  _count: { select: { versions: true } },
} satisfies Prisma.DatasetSelect;

/** The columns an image is answered with: its own and its blob's. */
export const IMAGE_SELECT = {
  id: true,
  datasetId: true,
  relPath: true,
  split: true,
  blob: { select: { sha256: true, width: true, height: true, format: true, bytes: true } },
} satisfies Prisma.ImageSelect;

/** The columns needed to stream a stored image or mask. */
export const BLOB_READ_SELECT = { storageKey: true, format: true, bytes: true } satisfies Prisma.BlobSelect;
export type BlobReadRow = Prisma.BlobGetPayload<{ select: typeof BLOB_READ_SELECT }>;

/** The newest version of a dataset with its stored counts. */
interface HeadRow {
  id: string;
  datasetId: string;
  number: number;
  imageCount: number;
  trainCount: number;
  validationCount: number;
  testCount: number;
}

/** Every Prisma call of the datasets feature's reads (the import pipeline writes through datasets/import/). */
@Injectable()
export class DatasetsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Datasets with their newest version and its stored counts (written when the version was created), so the
   * list costs O(datasets) queries' worth of rows whatever the number of images. Staged imports are hidden.
   */
  async listWithHeads(where: { id?: string; productLine?: string }): Promise<TDataset[]> {
    const prisma = this.db.prisma;
    const rows = await prisma.dataset.findMany({ where: { ...where, importing: false }, select: DATASET_SELECT, orderBy: { createdAt: 'desc' } });
    if (rows.length === 0) return [];
    const heads = await prisma.$queryRaw<HeadRow[]>`
      SELECT DISTINCT ON ("datasetId") "id", "datasetId", "number", "imageCount", "trainCount", "validationCount", "testCount"
      FROM "DatasetVersion"
      WHERE "datasetId" IN (${Prisma.join(rows.map((r) => Prisma.sql`${r.id}::uuid`))})
      ORDER BY "datasetId", "number" DESC`;
    const headOf = new Map(heads.map((h) => [h.datasetId, h]));
    return rows.flatMap((r) => {
      const head = headOf.get(r.id);
      if (!head) return []; // cannot happen: the import creates version 1 with the dataset
      return [
        {
          id: r.id,
          name: r.name,
          productLine: r.productLine,
          description: r.description,
          source: r.source,
          createdAt: r.createdAt.toISOString(),
          createdBy: r.createdBy,
          imageCount: head.imageCount,
          splits: { train: head.trainCount, validation: head.validationCount, test: head.testCount },
          headVersion: { id: head.id, number: head.number },
          versionCount: r._count.versions,
        },
      ];
    });
  }

  async findImage(imageId: string): Promise<TImage | null> {
    const image = await this.db.prisma.image.findUnique({ where: { id: imageId }, select: IMAGE_SELECT });
    if (!image) return null;
    const { blob, ...rest } = image;
    return { ...rest, sha256: blob.sha256, width: blob.width, height: blob.height, format: blob.format, bytes: blob.bytes };
  }

  findBlob(sha256: string): Promise<BlobReadRow | null> {
    return this.db.prisma.blob.findUnique({ where: { sha256 }, select: BLOB_READ_SELECT });
  }
}
