import { z } from 'zod';
import { defineEndpoint } from '../common/endpoint';
import { ZDatasetIdParams } from '../datasets/datasets.schema';
import {
  ZDiffQuery,
  ZExportResult,
  ZExportVersionInput,
  ZListLabelsQuery,
  ZVersion,
  ZVersionDiff,
  ZVersionIdParams,
  ZVersionLabelPage,
} from './versions.schema';

export const listVersions = defineEndpoint({
  id: 'listVersions',
  method: 'GET',
  path: '/api/datasets/:datasetId/versions',
  summary: 'Versions of a dataset, newest first',
  tag: 'versions',
  minRole: 'viewer',
  params: ZDatasetIdParams,
  response: z.array(ZVersion),
});

export const getVersion = defineEndpoint({
  id: 'getVersion',
  method: 'GET',
  path: '/api/versions/:versionId',
  summary: 'One dataset version with its label counts',
  tag: 'versions',
  minRole: 'viewer',
  params: ZVersionIdParams,
  response: ZVersion,
});

export const listVersionLabels = defineEndpoint({
  id: 'listVersionLabels',
  method: 'GET',
  path: '/api/versions/:versionId/labels',
  summary: 'Labels of a version (paged, by relPath), each with the import or decision that set it',
  tag: 'versions',
  minRole: 'viewer',
  params: ZVersionIdParams,
  query: ZListLabelsQuery,
  response: ZVersionLabelPage,
});

export const diffVersions = defineEndpoint({
  id: 'diffVersions',
  method: 'GET',
  path: '/api/versions/:versionId/diff',
  summary: 'Images whose label differs between this version and ?against= (same dataset), from what to what',
  tag: 'versions',
  minRole: 'viewer',
  params: ZVersionIdParams,
  query: ZDiffQuery,
  response: ZVersionDiff,
});

export const exportVersion = defineEndpoint({
  id: 'exportVersion',
  method: 'POST',
  path: '/api/versions/:versionId/export',
  summary: 'Write a version as an MVTec-layout folder under the export root (written aside, then renamed into place)',
  tag: 'versions',
  minRole: 'engineer',
  params: ZVersionIdParams,
  body: ZExportVersionInput,
  response: ZExportResult,
  successStatus: 201,
});

export const VERSION_ENDPOINTS = [listVersions, getVersion, listVersionLabels, diffVersions, exportVersion] as const;
