import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { TDataset, TImage } from '@defectlab/contracts';
import { ARTIFACT_STORE, type ArtifactStore } from '../storage/artifact-store';
import { DatasetsError } from './datasets.errors';
import { DatasetsRepository } from './datasets.repository';

const CONTENT_TYPES: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', tiff: 'image/tiff', bmp: 'image/bmp' };

/** Datasets, their images and stored blobs. Queries: datasets.repository.ts. */
@Injectable()
export class DatasetsService {
  constructor(
    private readonly repo: DatasetsRepository,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  async list(productLine?: string): Promise<TDataset[]> {
    return this.repo.listWithHeads(productLine ? { productLine } : {});
  }

  async get(datasetId: string): Promise<TDataset> {
    const [dataset] = await this.repo.listWithHeads({ id: datasetId });
    if (!dataset) throw new DatasetsError('DATASET_NOT_FOUND', `no dataset ${datasetId}`);
    return dataset;
  }

  async image(imageId: string): Promise<TImage> {
    const image = await this.repo.findImage(imageId);
    if (!image) throw new DatasetsError('IMAGE_NOT_FOUND', `no image ${imageId}`);
    return image;
  }

  /** The bytes of a stored image or mask with their content type. */
  async blob(sha256: string): Promise<{ contentType: string; bytes: number; stream: Readable }> {
    const blob = await this.repo.findBlob(sha256);
    if (!blob) throw new DatasetsError('BLOB_NOT_FOUND', `no stored image or mask with sha256 ${sha256}`);
    return { contentType: CONTENT_TYPES[blob.format] ?? 'application/octet-stream', bytes: blob.bytes, stream: await this.store.openRead(blob.storageKey) };
  }
}
