import { applyDecorators, Body, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, SetMetadata } from '@nestjs/common';
import type { Endpoint } from '@defectlab/contracts';
import { ZodValidationPipe } from '../common/zod-validation.pipe';

/** Metadata key under which a handler's endpoint contract is stored (read by RoleGuard). */
export const ENDPOINT_CONTRACT = 'defectlab:endpoint-contract';

const METHOD_DECORATORS = { GET: Get, POST: Post, PUT: Put, PATCH: Patch, DELETE: Delete } as const;

/**
 * Serves a handler at the method and path of its contract, with the contract's success status, and
 * records the contract so the global RoleGuard can enforce its `minRole` (null = public).
 *
 *     @Route(getDataset)
 *     get(@ValidParams(getDataset) params: ...) {}
 */
export function Route(endpoint: Endpoint): MethodDecorator {
  return applyDecorators(
    METHOD_DECORATORS[endpoint.method](endpoint.path),
    HttpCode(endpoint.successStatus),
    SetMetadata(ENDPOINT_CONTRACT, endpoint),
  );
}

function need<T>(value: T | undefined, what: string, endpoint: Endpoint): T {
  if (value === undefined) throw new Error(`endpoint ${endpoint.id} has no ${what} schema`);
  return value;
}

/** The path parameters, validated with the contract's `params` schema (400 naming the field). */
export const ValidParams = (endpoint: Endpoint): ParameterDecorator =>
  Param(new ZodValidationPipe(need(endpoint.params, 'params', endpoint), 'params'));

/** The query string, validated with the contract's `query` schema. */
export const ValidQuery = (endpoint: Endpoint): ParameterDecorator =>
  Query(new ZodValidationPipe(need(endpoint.query, 'query', endpoint), 'query'));

/** The JSON body, validated with the contract's `body` schema. */
export const ValidBody = (endpoint: Endpoint): ParameterDecorator =>
  Body(new ZodValidationPipe(need(endpoint.body, 'body', endpoint), 'body'));
