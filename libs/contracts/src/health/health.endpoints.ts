import { z } from 'zod';
import { defineEndpoint } from '../common/endpoint';
import { ZHealthResponse } from './health.schema';

export const getHealth = defineEndpoint({
  id: 'getHealth',
  method: 'GET',
  path: '/api/health',
  summary: 'Liveness and the database the API talks to, with its schema version',
  tag: 'health',
  minRole: null,
  response: ZHealthResponse,
});

export const getOpenApiDocument = defineEndpoint({
  id: 'getOpenApiDocument',
  method: 'GET',
  path: '/api/openapi.json',
  summary: 'This OpenAPI 3.1 document',
  tag: 'health',
  minRole: null,
  response: z.record(z.string(), z.unknown()),
});
