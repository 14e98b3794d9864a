import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database/database';
import { DATABASE } from '../database/database.module';
import type { Prisma } from '../generated/prisma/client';

/** A dataset of the given name, as an import sees it: its content fingerprint, whether it is still staged, its version 1. */
export interface NamedDataset {
  readonly id: string;
  readonly importSha256: string | null;
  readonly importing: boolean;
  readonly firstVersionId: string | null;
}

/** One batch of rows of a staged import: the distinct files, then the images and their labels. */
export interface ImportBatch {
  readonly blobs: Prisma.BlobCreateManyInput[];
  readonly images: Prisma.ImageCreateManyInput[];
  readonly labels: Prisma.LabelCreateManyInput[];
}

/**
 * Every Prisma call of dataset imports. An import writes its dataset `importing` (invisible to readers) with
 * version 1, then its rows in batches, then makes it visible; staged datasets are deleted when the import
 * fails, and at start-up for imports a killed process left behind (database.ts, before Nest runs).
 */
@Injectable()
export class ImportsRepository {
  constructor(@Inject(DATABASE) private readonly db: Pick<Database, 'prisma'>) {}

  async findByName(name: string): Promise<NamedDataset | null> {
    const dataset = await this.db.prisma.dataset.findUnique({
      where: { name },
      select: { id: true, importSha256: true, importing: true, versions: { where: { number: 1 }, select: { id: true } } },
    });
    return dataset ? { id: dataset.id, importSha256: dataset.importSha256, importing: dataset.importing, firstVersionId: dataset.versions[0]?.id ?? null } : null;
  }

  /** Creates the dataset (staged: `importing`) and its version 1 in one transaction; fails with P2002 when the name is taken. */
  async createStaged(dataset: Prisma.DatasetUncheckedCreateInput, version: Prisma.DatasetVersionUncheckedCreateInput): Promise<void> {
    const prisma = this.db.prisma;
    await prisma.$transaction([
      prisma.dataset.create({ data: { ...dataset, importing: true }, select: { id: true } }),
      prisma.datasetVersion.create({ data: version, select: { id: true } }),
    ]);
  }

  /** Writes one batch in one transaction (blobs already stored by an earlier import are kept as they are). */
  async writeBatch(batch: ImportBatch): Promise<void> {
    const prisma = this.db.prisma;
    await prisma.$transaction([
      prisma.blob.createMany({ data: batch.blobs, skipDuplicates: true }),
      prisma.image.createMany({ data: batch.images }),
      prisma.label.createMany({ data: batch.labels }),
    ]);
  }

  /** Makes a staged dataset visible to readers. */
  async publish(datasetId: string): Promise<void> {
    await this.db.prisma.dataset.update({ where: { id: datasetId }, data: { importing: false }, select: { id: true } });
  }

  /**
   * Deletes datasets an import staged (`importing`) with everything they hold (images, version, labels cascade),
   * then the Blob rows only they referenced. Blob rows another dataset or mask uses stay (the foreign keys
   * would refuse their deletion anyway); files in the artifact store stay and are reused by the next import.
   * @returns how many datasets were deleted.
   */
  async discardStaged(datasetIds: readonly string[]): Promise<number> {
    if (datasetIds.length === 0) return 0;
    const prisma = this.db.prisma;
    const ids = [...datasetIds];
    const [images, masks] = await Promise.all([
      prisma.image.findMany({ where: { datasetId: { in: ids } }, select: { blobSha256: true }, distinct: ['blobSha256'] }),
      prisma.label.findMany({ where: { version: { datasetId: { in: ids } }, maskSha256: { not: null } }, select: { maskSha256: true }, distinct: ['maskSha256'] }),
    ]);
    const shas = [...new Set([...images.map((i) => i.blobSha256), ...masks.flatMap((m) => (m.maskSha256 ? [m.maskSha256] : []))])];
    const { count } = await prisma.dataset.deleteMany({ where: { id: { in: ids }, importing: true } });
    for (let i = 0; i < shas.length; i += 1000) {
      await prisma.blob.deleteMany({ where: { sha256: { in: shas.slice(i, i + 1000) }, images: { none: {} }, masks: { none: {} } } });
    }
    return count;
  }

  /**
   * Start-up housekeeping: deletes what imports killed mid-way left `importing` (they are invisible to readers,
   * and no import survives the process that ran it). Assumes one API process per database, as deployed.
   */
  async discardInterrupted(): Promise<number> {
    const staged = await this.db.prisma.dataset.findMany({ where: { importing: true }, select: { id: true } });
    return this.discardStaged(staged.map((d) => d.id));
  }
}
