import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { TDataset, TImage } from '@defectlab/contracts';
import { DATABASE } from '../database/database.module';
import type { Database } from '../database/database';
import { AppError } from '../errors/app-error';
import { Prisma } from '../generated/prisma/client';
import { ARTIFACT_STORE, type ArtifactStore } from '../storage/artifact-store';

const DATASET_SELECT = {
  id: true,
  name: true,
  productLine: true,
  description: true,
  source: true,
  createdAt: true,
  createdBy: { select: { id: true, name: true } },
  _count: { select: { versions: true } },
} as const;

const CONTENT_TYPES: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', tiff: 'image/tiff', bmp: 'image/bmp' };

@Injectable()
export class DatasetsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  async list(productLine?: string): Promise<TDataset[]> {
    return this.load(productLine ? { productLine } : {});
  }

  async get(datasetId: string): Promise<TDataset> {
    const [dataset] = await this.load({ id: datasetId });
    if (!dataset) throw new AppError('DATASET_NOT_FOUND', `no dataset ${datasetId}`);
    return dataset;
  }

  async image(imageId: string): Promise<TImage> {
    const image = await this.db.prisma.image.findUnique({
      where: { id: imageId },
      select: { id: true, datasetId: true, relPath: true, split: true, blob: { select: { sha256: true, width: true, height: true, format: true, bytes: true } } },
    });
    if (!image) throw new AppError('IMAGE_NOT_FOUND', `no image ${imageId}`);
    const { blob, ...rest } = image;
    return { ...rest, sha256: blob.sha256, width: blob.width, height: blob.height, format: blob.format, bytes: blob.bytes };
  }

  /** The bytes of a stored image or mask with their content type. */
  async blob(sha256: string): Promise<{ contentType: string; bytes: number; stream: Readable }> {
    const blob = await this.db.prisma.blob.findUnique({ where: { sha256 }, select: { storageKey: true, format: true, bytes: true } });
    if (!blob) throw new AppError('BLOB_NOT_FOUND', `no stored image or mask with sha256 ${sha256}`);
    return { contentType: CONTENT_TYPES[blob.format] ?? 'application/octet-stream', bytes: blob.bytes, stream: await this.store.openRead(blob.storageKey) };
  }

  /**
   * Datasets with their newest version and its stored counts (written when the version was created), so the
   * list costs O(datasets) queries' worth of rows whatever the number of images. Staged imports are hidden.
   */
  private async load(where: { id?: string; productLine?: string }): Promise<TDataset[]> {
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
}

interface HeadRow {
  id: string;
  datasetId: string;
  number: number;
  imageCount: number;
  trainCount: number;
  validationCount: number;
  testCount: number;
}
