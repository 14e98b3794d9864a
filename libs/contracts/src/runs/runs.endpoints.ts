import { z } from 'zod';
import { defineEndpoint } from '../common/endpoint';
import {
  ZEvaluation,
  ZEvaluationIdParams,
  ZEvaluationList,
  ZListPredictionsQuery,
  ZPredictionPage,
  ZReevaluateInput,
  ZSaveOperatingPointInput,
  ZStoredOperatingPoint,
} from './evaluations.schema';
import {
  ZArtifactIdParams,
  ZArtifactList,
  ZCreateRunInput,
  ZListRunsQuery,
  ZRun,
  ZRunIdParams,
  ZRunPage,
  ZRunProgressPoints,
} from './runs.schema';

export const createRun = defineEndpoint({
  id: 'createRun',
  method: 'POST',
  path: '/api/runs',
  summary: 'Submit a training run (queued until a worker takes it)',
  tag: 'runs',
  minRole: 'engineer',
  body: ZCreateRunInput,
  response: ZRun,
  successStatus: 201,
});

export const listRuns = defineEndpoint({
  id: 'listRuns',
  method: 'GET',
  path: '/api/runs',
  summary: 'Runs, newest first',
  tag: 'runs',
  minRole: 'viewer',
  query: ZListRunsQuery,
  response: ZRunPage,
});

export const getRun = defineEndpoint({
  id: 'getRun',
  method: 'GET',
  path: '/api/runs/:runId',
  summary: 'One run: status, progress, ETA, attempts, error, timestamps',
  tag: 'runs',
  minRole: 'viewer',
  params: ZRunIdParams,
  response: ZRun,
});

export const listRunProgress = defineEndpoint({
  id: 'listRunProgress',
  method: 'GET',
  path: '/api/runs/:runId/progress',
  summary: 'The progress reports of a run, oldest first (loss curve, throughput, ETA)',
  tag: 'runs',
  minRole: 'viewer',
  params: ZRunIdParams,
  response: ZRunProgressPoints,
});

export const cancelRun = defineEndpoint({
  id: 'cancelRun',
  method: 'POST',
  path: '/api/runs/:runId/cancel',
  summary: 'Cancel a run: a queued run ends at once, a running one when its worker next heartbeats',
  tag: 'runs',
  minRole: 'engineer',
  params: ZRunIdParams,
  response: ZRun,
});

export const listRunArtifacts = defineEndpoint({
  id: 'listRunArtifacts',
  method: 'GET',
  path: '/api/runs/:runId/artifacts',
  summary: 'Artifacts of a run (weights, checkpoints, ONNX, anomaly maps, logs, reports)',
  tag: 'runs',
  minRole: 'viewer',
  params: ZRunIdParams,
  response: ZArtifactList,
});

/** Answers the artifact's bytes with its content type, not JSON. */
export const getArtifactContent = defineEndpoint({
  id: 'getArtifactContent',
  method: 'GET',
  path: '/api/artifacts/:artifactId/content',
  summary: 'The bytes of an artifact',
  tag: 'runs',
  minRole: 'viewer',
  params: ZArtifactIdParams,
  response: z.unknown(),
});

export const listRunEvaluations = defineEndpoint({
  id: 'listRunEvaluations',
  method: 'GET',
  path: '/api/runs/:runId/evaluations',
  summary: 'Evaluations of a run (the worker\'s and any recomputed under newer labels)',
  tag: 'evaluations',
  minRole: 'viewer',
  params: ZRunIdParams,
  response: ZEvaluationList,
});

export const getEvaluation = defineEndpoint({
  id: 'getEvaluation',
  method: 'GET',
  path: '/api/evaluations/:evaluationId',
  summary: 'One evaluation: metrics and operating points, each with its split and label version',
  tag: 'evaluations',
  minRole: 'viewer',
  params: ZEvaluationIdParams,
  response: ZEvaluation,
});

export const listEvaluationPredictions = defineEndpoint({
  id: 'listEvaluationPredictions',
  method: 'GET',
  path: '/api/evaluations/:evaluationId/predictions',
  summary: 'Per-image scores of an evaluation with their labels',
  tag: 'evaluations',
  minRole: 'viewer',
  params: ZEvaluationIdParams,
  query: ZListPredictionsQuery,
  response: ZPredictionPage,
});

export const reevaluate = defineEndpoint({
  id: 'reevaluate',
  method: 'POST',
  path: '/api/evaluations/:evaluationId/reevaluate',
  summary: 'Recompute an evaluation on another version\'s labels from its stored scores (no retraining)',
  tag: 'evaluations',
  minRole: 'engineer',
  params: ZEvaluationIdParams,
  body: ZReevaluateInput,
  response: ZEvaluation,
  successStatus: 201,
});

export const saveOperatingPoint = defineEndpoint({
  id: 'saveOperatingPoint',
  method: 'POST',
  path: '/api/evaluations/:evaluationId/operating-points',
  summary: 'Save a threshold chosen in the simulator as a named operating point (test-split figures, marked oracle)',
  tag: 'evaluations',
  minRole: 'engineer',
  params: ZEvaluationIdParams,
  body: ZSaveOperatingPointInput,
  response: ZStoredOperatingPoint,
  successStatus: 201,
});

export const RUN_ENDPOINTS = [
  createRun,
  listRuns,
  getRun,
  listRunProgress,
  cancelRun,
  listRunArtifacts,
  getArtifactContent,
  listRunEvaluations,
  getEvaluation,
  listEvaluationPredictions,
  saveOperatingPoint,
  reevaluate,
] as const;
