import type { Endpoint } from './common/endpoint';
import { AUTH_ENDPOINTS } from './auth/auth.endpoints';
import { DATASET_ENDPOINTS } from './datasets/datasets.endpoints';
import { getHealth, getOpenApiDocument } from './health/health.endpoints';
import { LABEL_ENDPOINTS } from './labels/labels.endpoints';
import { RUN_ENDPOINTS } from './runs/runs.endpoints';
import { RUN_GROUP_ENDPOINTS } from './run-groups/run-groups.endpoints';
import { TARGET_ENDPOINTS } from './targets/targets.endpoints';
import { VERSION_ENDPOINTS } from './versions/versions.endpoints';
import { WORKER_ENDPOINTS } from './workers/workers.endpoints';

/** Every endpoint of the API, in the order the OpenAPI document lists them. */
export const API_ENDPOINTS: readonly Endpoint[] = [
  getHealth,
  getOpenApiDocument,
  ...AUTH_ENDPOINTS,
  ...DATASET_ENDPOINTS,
  ...VERSION_ENDPOINTS,
  ...LABEL_ENDPOINTS,
  ...TARGET_ENDPOINTS,
  ...RUN_ENDPOINTS,
  ...RUN_GROUP_ENDPOINTS,
  ...WORKER_ENDPOINTS,
];
