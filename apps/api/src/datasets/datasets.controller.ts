import { promises as fs } from 'node:fs';
import { Controller, Res, UploadedFile, UseInterceptors, Body } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  getBlobContent,
  getDataset,
  getImage,
  getImport,
  importDataset,
  listDatasets,
  listImports,
  uploadDataset,
  ZUploadDatasetFields,
  type TDataset,
  type TImage,
  type TImportFromPathInput,
  type TImportProgress,
  type TImportResult,
} from '@defectlab/contracts';
import type { Response } from 'express';
import { Caller, type AuthContext } from '../auth/auth-context';
import { Route, ValidBody, ValidParams, ValidQuery } from '../auth/route.decorator';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { DatasetsError } from './datasets.errors';
import { DatasetsService } from './datasets.service';
import type { ImportOutcome } from './import/import-dataset';
import { ImportsService } from './imports.service';

/** The part of multer's file object we use (disk storage). */
interface UploadedArchive {
  readonly path: string;
  readonly originalname: string;
  readonly size: number;
}

@Controller()
export class DatasetsController {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly imports: ImportsService,
  ) {}

  @Route(listDatasets)
  list(@ValidQuery(listDatasets) query: { productLine?: string }): Promise<TDataset[]> {
    return this.datasets.list(query.productLine);
  }

  @Route(getDataset)
  get(@ValidParams(getDataset) params: { datasetId: string }): Promise<TDataset> {
    return this.datasets.get(params.datasetId);
  }

  @Route(importDataset)
  async importFromPath(
    @ValidBody(importDataset) body: TImportFromPathInput,
    @Caller() caller: AuthContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TImportResult> {
    const outcome = await this.imports.fromPath(body.path, { ...body, createdById: caller.user.id });
    return this.result(outcome, res);
  }

  @Route(uploadDataset)
  @UseInterceptors(FileInterceptor('archive'))
  async upload(
    @UploadedFile() file: UploadedArchive | undefined,
    @Body() rawFields: unknown,
    @Caller() caller: AuthContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TImportResult> {
    if (!file) throw new DatasetsError('MISSING_ARCHIVE', 'send multipart/form-data with the archive (.tar or .tar.gz) in the file field "archive"');
    let fields;
    try {
      fields = new ZodValidationPipe(ZUploadDatasetFields, 'body').transform(rawFields);
    } catch (err) {
      await fs.rm(file.path, { force: true });
      throw err;
    }
    const outcome = await this.imports.fromArchive(file.path, file.originalname, { ...fields, createdById: caller.user.id });
    return this.result(outcome, res);
  }

  @Route(listImports)
  listImports(): TImportProgress[] {
    return this.imports.list();
  }

  @Route(getImport)
  getImport(@ValidParams(getImport) params: { importId: string }): TImportProgress {
    return this.imports.get(params.importId);
  }

  @Route(getImage)
  image(@ValidParams(getImage) params: { imageId: string }): Promise<TImage> {
    return this.datasets.image(params.imageId);
  }

  @Route(getBlobContent)
  async blob(@ValidParams(getBlobContent) params: { sha256: string }, @Res() res: Response): Promise<void> {
    const blob = await this.datasets.blob(params.sha256);
    res.status(200).setHeader('content-type', blob.contentType);
    res.setHeader('content-length', String(blob.bytes));
    res.setHeader('cache-control', 'private, max-age=31536000, immutable');
    blob.stream.pipe(res);
  }

  private async result(outcome: ImportOutcome & { importId: string }, res: Response): Promise<TImportResult> {
    if (!outcome.created) res.status(200);
    return {
      created: outcome.created,
      importId: outcome.importId,
      dataset: await this.datasets.get(outcome.datasetId),
      version: { id: outcome.versionId, number: outcome.versionNumber },
      stats: outcome.stats,
    };
  }
}
