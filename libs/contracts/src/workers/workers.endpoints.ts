import { defineEndpoint } from '../common/endpoint';
import { ZArtifact, ZRun } from '../runs/runs.schema';
import {
  ZClaimInput,
  ZClaimResult,
  ZCompleteRunInput,
  ZFailRunInput,
  ZHeartbeatInput,
  ZReportProgressInput,
  ZSubmitEvaluationInput,
  ZSubmitEvaluationResult,
  ZUploadArtifactQuery,
  ZWorkerAck,
  ZWorkerRunParams,
} from './workers.schema';

// Worker endpoints need role engineer: a worker runs with an engineer's API token (never database
// credentials), and every call on a run is also checked against the worker id that claimed it.

export const claimJob = defineEndpoint({
  id: 'claimJob',
  method: 'POST',
  path: '/api/worker/claim',
  summary: 'Take the next queued run (long poll up to waitSeconds; { job: null } when none came)',
  tag: 'worker',
  minRole: 'engineer',
  body: ZClaimInput,
  response: ZClaimResult,
});

export const heartbeat = defineEndpoint({
  id: 'heartbeat',
  method: 'POST',
  path: '/api/worker/runs/:runId/heartbeat',
  summary: 'Keep a claimed run alive; the answer says whether to stop (cancel requested or run taken back)',
  tag: 'worker',
  minRole: 'engineer',
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
  minRole: 'engineer',
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
  minRole: 'engineer',
  params: ZWorkerRunParams,
  query: ZUploadArtifactQuery,
  response: ZArtifact,
  successStatus: 201,
});

export const submitEvaluation = defineEndpoint({
  id: 'submitEvaluation',
  method: 'POST',
  path: '/api/worker/runs/:runId/evaluations',
  summary: 'Store an evaluation: per-image predictions, metrics and operating points',
  tag: 'worker',
  minRole: 'engineer',
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
  minRole: 'engineer',
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
  minRole: 'engineer',
  params: ZWorkerRunParams,
  body: ZFailRunInput,
  response: ZRun,
});

export const WORKER_ENDPOINTS = [claimJob, heartbeat, reportProgress, uploadArtifact, submitEvaluation, completeRun, failRun] as const;
