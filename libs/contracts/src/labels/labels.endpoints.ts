import { defineEndpoint } from '../common/endpoint';
import { ZImageIdParams } from '../datasets/datasets.schema';
import { ZVersionIdParams } from '../versions/versions.schema';
import { ZCommitLabelChangesInput, ZCommitResult, ZImageHistory, ZReviewQueue, ZReviewQueueQuery } from './labels.schema';

export const commitLabelChanges = defineEndpoint({
  id: 'commitLabelChanges',
  method: 'POST',
  path: '/api/versions/:versionId/changes',
  summary:
    'Commit a batch of label changes on top of this version: one transaction creates the next version and a LabelChange ' +
    'per image (author, time, from, to, reason). 409 with the conflicting images when this version is no longer the newest.',
  tag: 'labels',
  minRole: 'curator',
  params: ZVersionIdParams,
  body: ZCommitLabelChangesInput,
  response: ZCommitResult,
  successStatus: 201,
});

export const getImageHistory = defineEndpoint({
  id: 'getImageHistory',
  method: 'GET',
  path: '/api/images/:imageId/history',
  summary: "An image's imported label and every change since, oldest first",
  tag: 'labels',
  minRole: 'viewer',
  params: ZImageIdParams,
  response: ZImageHistory,
});

export const getReviewQueue = defineEndpoint({
  id: 'getReviewQueue',
  method: 'GET',
  path: '/api/versions/:versionId/review-queue',
  summary:
    'Images of a version ranked for review: uncertain labels, recent changes, scores near an operating threshold and ' +
    'disagreement between the latest evaluations of different runs (paged; filter by split and defect type)',
  tag: 'labels',
  minRole: 'viewer',
  params: ZVersionIdParams,
  query: ZReviewQueueQuery,
  response: ZReviewQueue,
});

export const LABEL_ENDPOINTS = [commitLabelChanges, getImageHistory, getReviewQueue] as const;
