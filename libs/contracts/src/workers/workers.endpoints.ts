import { z } from 'zod';
import { defineEndpoint } from '../common/endpoint';
import { ZPageQuery } from '../paging/page.schema';
import { ZArtifact, ZRun } from '../runs/runs.schema';
import { ZVersionLabelPage } from '../versions/versions.schema';
import {
  ZClaimInput,
  ZClaimResult,
  ZCompleteRunInput,
  ZFailRunInput,
  ZHeartbeatInput,
  ZJobTargets,
  ZReportProgressInput,
  ZSubmitEvaluationInput,
  ZSubmitEvaluationResult,
  ZUploadArtifactQuery,
  ZWorkerAck,
  ZWorkerArtifactParams,
  ZWorkerBlobParams,
  ZWorkerRunParams,
} from './workers.schema';

// Worker endpoints need role worker (a token an admin issued to a worker user; never database credentials),
// which no person's token has, and a worker token may call nothing else. Every call about a claimed run also
// needs that claim's lease token (`lease: true`, header x-lease-token): another job's token, none, or the
// token of a claim that ended (run finished, cancelled or taken back) is refused with 403 or 409.

export const claimJob = defineEndpoint({
  id: 'claimJob',
  method: 'POST',
  path: '/api/worker/claim',
  summary: 'Take the next queued run (long poll up to waitSeconds; { job: null } when none came)',
  tag: 'worker',
  minRole: 'worker',
  body: ZClaimInput,
  response: ZClaimResult,
});

export const heartbeat = defineEndpoint({
  id: 'heartbeat',
  method: 'POST',
  path: '/api/worker/runs/:runId/heartbeat',
  summary: 'Keep a claimed run alive; the answer says whether to stop (cancel requested or run taken back)',
  tag: 'worker',
  minRole: 'worker',
  lease: true,
  params: ZWorkerRunParams,
  body: ZHeartbeatInput,
  response: ZWorkerAck,
});

export const reportProgress = defineEndpoint({
  id: 'reportProgress',
  method: 'POST',
  path: '/api/worker/runs/:runId/progress',
  summary: 'Store progress reports (also a heartbeat)',
  tag: 'worker',
  minRole: 'worker',
  lease: true,
  params: ZWorkerRunParams,
  body: ZReportProgressInput,
  response: ZWorkerAck,
});

/** The body is the artifact's raw bytes (Content-Type: application/octet-stream). */
export const uploadArtifact = defineEndpoint({
  id: 'uploadArtifact',
  method: 'POST',
  path: '/api/worker/runs/:runId/artifacts',
  summary: 'Store an artifact of a claimed run (raw bytes in the body)',
  tag: 'worker',
  minRole: 'worker',
  lease: true,
  params: ZWorkerRunParams,
  query: ZUploadArtifactQuery,
  response: ZArtifact,
  successStatus: 201,
  errors: {
    413: 'ARTIFACT_TOO_LARGE: the body is larger than the cap of its kind',
    415: "ARTIFACT_TYPE_NOT_ALLOWED: contentType is not one of its kind's (ARTIFACT_CONTENT_TYPES_BY_KIND)",
  },
});

export const submitEvaluation = defineEndpoint({
  id: 'submitEvaluation',
  method: 'POST',
  path: '/api/worker/runs/:runId/evaluations',
  summary: 'Store an evaluation: per-image predictions, metrics and operating points',
  tag: 'worker',
  minRole: 'worker',
  lease: true,
  params: ZWorkerRunParams,
  body: ZSubmitEvaluationInput,
  response: ZSubmitEvaluationResult,
  successStatus: 201,
});

export const completeRun = defineEndpoint({
  id: 'completeRun',
  method: 'POST',
  path: '/api/worker/runs/:runId/complete',
  summary: 'Mark a claimed run succeeded, recording its resolved config, backend and backbone',
  tag: 'worker',
  minRole: 'worker',
  lease: true,
  params: ZWorkerRunParams,
  body: ZCompleteRunInput,
  response: ZRun,
});

export const failRun = defineEndpoint({
  id: 'failRun',
  method: 'POST',
  path: '/api/worker/runs/:runId/fail',
  summary: 'Mark a claimed run failed with the reason (cancelled when a cancel was requested)',
  tag: 'worker',
  minRole: 'worker',
  lease: true,
  params: ZWorkerRunParams,
  body: ZFailRunInput,
  response: ZRun,
});

export const listJobLabels = defineEndpoint({
  id: 'listJobLabels',
  method: 'GET',
  path: '/api/worker/runs/:runId/labels',
  summary: "Labels of the claimed run's dataset version (paged), to download its images",
  tag: 'worker',
  minRole: 'worker',
  lease: true,
  params: ZWorkerRunParams,
  query: ZPageQuery,
  response: ZVersionLabelPage,
});

export const getJobBlob = defineEndpoint({
  id: 'getJobBlob',
  method: 'GET',
  path: '/api/worker/runs/:runId/blobs/:sha256',
  summary: "The bytes of an image or mask of the claimed run's dataset version",
  tag: 'worker',
  minRole: 'worker',
  lease: true,
  params: ZWorkerBlobParams,
  response: z.unknown(),
});

export const getJobArtifact = defineEndpoint({
  id: 'getJobArtifact',
  method: 'GET',
  path: '/api/worker/runs/:runId/artifacts/:artifactId/content',
  summary: "The bytes of an artifact of the claimed run (an earlier attempt's checkpoint, to resume from)",
  tag: 'worker',
  minRole: 'worker',
  lease: true,
  params: ZWorkerArtifactParams,
  response: z.unknown(),
});

export const getJobTargets = defineEndpoint({
  id: 'getJobTargets',
  method: 'GET',
  path: '/api/worker/runs/:runId/targets',
  summary: "The targets of the claimed run's product line (null when it has none)",
  tag: 'worker',
  minRole: 'worker',
  lease: true,
  params: ZWorkerRunParams,
  response: ZJobTargets,
});

export const WORKER_ENDPOINTS = [
  claimJob,
  heartbeat,
  reportProgress,
  uploadArtifact,
  submitEvaluation,
  completeRun,
  failRun,
  listJobLabels,
  getJobBlob,
  getJobArtifact,
  getJobTargets,
] as const;
