import { Controller } from '@nestjs/common';
import {
  diffVersions,
  exportVersion,
  getVersion,
  listVersionLabels,
  listVersions,
  type TExportResult,
  type TVersion,
  type TVersionDiff,
  type TVersionLabelPage,
} from '@defectlab/contracts';
import { Route, ValidBody, ValidParams, ValidQuery } from '../auth/route.decorator';
import { ExportService } from './export.service';
import { VersionsService } from './versions.service';

@Controller()
export class VersionsController {
  constructor(
    private readonly versions: VersionsService,
    private readonly exporter: ExportService,
  ) {}

  @Route(listVersions)
  list(@ValidParams(listVersions) params: { datasetId: string }): Promise<TVersion[]> {
    return this.versions.list(params.datasetId);
  }

  @Route(getVersion)
  get(@ValidParams(getVersion) params: { versionId: string }): Promise<TVersion> {
    return this.versions.get(params.versionId);
  }

  @Route(listVersionLabels)
  labels(
    @ValidParams(listVersionLabels) params: { versionId: string },
    @ValidQuery(listVersionLabels) query: { page: number; pageSize: number; split?: string; value?: string; defectType?: string },
  ): Promise<TVersionLabelPage> {
    return this.versions.labels(params.versionId, query);
  }

  @Route(diffVersions)
  diff(
    @ValidParams(diffVersions) params: { versionId: string },
    @ValidQuery(diffVersions) query: { against: string; page: number; pageSize: number },
  ): Promise<TVersionDiff> {
    return this.versions.diff(params.versionId, query.against, query.page, query.pageSize);
  }

  @Route(exportVersion)
  export(@ValidParams(exportVersion) params: { versionId: string }, @ValidBody(exportVersion) body: { path: string }): Promise<TExportResult> {
    return this.exporter.export(params.versionId, body.path);
  }
}
