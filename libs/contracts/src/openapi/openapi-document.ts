import { z } from 'zod';
import { ZApiError } from '../common/api-error.schema';
import { LEASE_TOKEN_HEADER, type Endpoint } from '../common/endpoint';

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
}

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input');
  const properties = (json['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: s,
  }));
}

/** Builds an OpenAPI 3.1 document (JSON Schema 2020-12 bodies) from endpoint contracts. */
export function buildOpenApiDocument(endpoints: readonly Endpoint[], info: OpenApiInfo): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of endpoints) {
    const openApiPath = e.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const responses: Record<string, unknown> = {
      [String(e.successStatus)]: {
        description: 'Success',
        content: { 'application/json': { schema: toSchema(e.response, 'output') } },
      },
      '400': { description: 'Invalid request', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } },
    };
    if (e.minRole !== null) {
      responses['401'] = { description: 'Missing or invalid token', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } };
      const who = e.minRole === 'worker' ? 'Requires role worker (no person may call it)' : `Requires role ${e.minRole} or higher`;
      responses['403'] = { description: e.lease ? `${who} and the lease token of the run's current claim` : who, content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } };
    }
    if (e.lease) {
      responses['409'] = { description: "The lease token is another claim's, or its claim ended", content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } };
    }
    for (const [status, description] of Object.entries(e.errors ?? {})) {
      responses[status] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } };
    }
    const leaseHeader = e.lease
      ? [{ name: LEASE_TOKEN_HEADER, in: 'header', required: true, description: 'The leaseToken the claim answered with', schema: { type: 'string' } }]
      : [];
    paths[openApiPath] ??= {};
    paths[openApiPath][e.method.toLowerCase()] = {
      operationId: e.id,
      summary: e.summary,
      tags: [e.tag],
      ...(e.minRole !== null ? { security: [{ bearer: [] }], 'x-min-role': e.minRole } : { security: [] }),
      parameters: [...parametersOf(e.params, 'path'), ...parametersOf(e.query, 'query'), ...leaseHeader],
      ...(e.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(e.body, 'input') } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A DefectLab API token' } },
      schemas: { ApiError: toSchema(ZApiError, 'output') },
    },
  };
}
