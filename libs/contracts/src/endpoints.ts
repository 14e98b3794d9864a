import type { Endpoint } from './common/endpoint';
import { getHealth, getOpenApiDocument } from './health/health.endpoints';

/** Every endpoint of the API, in the order the OpenAPI document lists them. */
export const API_ENDPOINTS: readonly Endpoint[] = [getHealth, getOpenApiDocument];
