import { z } from 'zod';
import { defineEndpoint } from '../common/endpoint';
import {
  ZBlobParams,
  ZDataset,
  ZDatasetIdParams,
  ZImage,
  ZImageIdParams,
  ZImportFromPathInput,
  ZImportIdParams,
  ZImportProgress,
  ZImportResult,
  ZListDatasetsQuery,
} from './datasets.schema';

export const listDatasets = defineEndpoint({
  id: 'listDatasets',
  method: 'GET',
  path: '/api/datasets',
  summary: 'Datasets with their head version and image counts',
  tag: 'datasets',
  minRole: 'viewer',
  query: ZListDatasetsQuery,
  response: z.array(ZDataset),
});

export const getDataset = defineEndpoint({
  id: 'getDataset',
  method: 'GET',
  path: '/api/datasets/:datasetId',
  summary: 'One dataset',
  tag: 'datasets',
  minRole: 'viewer',
  params: ZDatasetIdParams,
  response: ZDataset,
});

export const importDataset = defineEndpoint({
  id: 'importDataset',
  method: 'POST',
  path: '/api/datasets/import',
  summary:
    'Import an MVTec-layout folder from a server path inside the import roots: every image and mask is validated first, ' +
    'then blobs are stored and the dataset, its images and version 1 are written in one transaction. 201 when created, ' +
    '200 when the same name already holds exactly this content, 409 when it holds other content.',
  tag: 'datasets',
  minRole: 'engineer',
  body: ZImportFromPathInput,
  response: ZImportResult,
  successStatus: 201,
});

/**
 * multipart/form-data: the file field `archive` (a .tar or .tar.gz of an MVTec-layout folder, at its top level or
 * inside one top-level folder) and the text fields of ZUploadDatasetFields. The typed JSON client does not send
 * multipart; use FormData.
 */
export const uploadDataset = defineEndpoint({
  id: 'uploadDataset',
  method: 'POST',
  path: '/api/datasets/upload',
  summary:
    'Import an uploaded MVTec-layout archive (multipart/form-data: file field "archive" = .tar or .tar.gz; fields name, ' +
    'productLine, description, importId). Streamed to disk, size-limited (413), then imported like a folder.',
  tag: 'datasets',
  minRole: 'engineer',
  response: ZImportResult,
  successStatus: 201,
});

export const listImports = defineEndpoint({
  id: 'listImports',
  method: 'GET',
  path: '/api/imports',
  summary: 'Imports running on this API process and the last finished ones, with progress',
  tag: 'datasets',
  minRole: 'engineer',
  response: z.array(ZImportProgress),
});

export const getImport = defineEndpoint({
  id: 'getImport',
  method: 'GET',
  path: '/api/imports/:importId',
  summary: 'Progress of one import (by the importId the client chose)',
  tag: 'datasets',
  minRole: 'engineer',
  params: ZImportIdParams,
  response: ZImportProgress,
});

export const getImage = defineEndpoint({
  id: 'getImage',
  method: 'GET',
  path: '/api/images/:imageId',
  summary: 'One image: its dataset, path, split and content (sha256, size, format)',
  tag: 'datasets',
  minRole: 'viewer',
  params: ZImageIdParams,
  response: ZImage,
});

/** Answers the stored bytes with their image content type, not JSON. */
export const getBlobContent = defineEndpoint({
  id: 'getBlobContent',
  method: 'GET',
  path: '/api/blobs/:sha256',
  summary: 'The bytes of a stored image or mask (content type image/png, image/jpeg, image/tiff or image/bmp)',
  tag: 'datasets',
  minRole: 'viewer',
  params: ZBlobParams,
  response: z.unknown(),
});

export const DATASET_ENDPOINTS = [listDatasets, getDataset, importDataset, uploadDataset, listImports, getImport, getImage, getBlobContent] as const;
