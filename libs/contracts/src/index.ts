export * from './common/endpoint';
export * from './common/api-error.schema';
export * from './common/api-client';
export * from './health/health.schema';
export * from './health/health.endpoints';
export * from './openapi/openapi-document';
export * from './endpoints';
