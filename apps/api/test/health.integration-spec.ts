import request from 'supertest';
import { ZApiError, ZHealthResponse } from '@defectlab/contracts';
import { createApp, type CreatedApp } from '../src/app.factory';
import { loadAppConfig } from '../src/config/app-config';
import { readMigrations } from '../src/database/migrator';
import { createJsonLogger } from '../src/logging/json-logger';
import { assertPostgresReachable, TEST_DATABASES } from './support/test-databases';

beforeAll(assertPostgresReachable);

describe.each(TEST_DATABASES.map((make) => [make().name, make] as const))('HTTP API on %s', (name, make) => {
  const testDb = make();
  let created: CreatedApp;

  beforeAll(async () => {
    const config = { ...loadAppConfig({}), database: testDb.fresh() };
    created = await createApp(config, { logger: createJsonLogger('silent') });
    await created.app.init();
  });
  afterAll(async () => {
    await created?.app.close();
    await testDb.cleanup();
  });

  it('GET /api/health answers 200 naming the database and its schema version', async () => {
    const res = await request(created.app.getHttpServer()).get('/api/health').expect(200);
    const body = ZHealthResponse.parse(res.body);
    expect(body.database.kind).toBe(name);
    expect(body.database.description).toMatch(name === 'pglite' ? /PGlite/ : /PostgreSQL/);
    expect(body.database.serverVersion).toMatch(/PostgreSQL \d+/);
    expect(body.database.schemaVersion).toBe((await readMigrations()).at(-1)?.name);
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('serves the OpenAPI document at a stable path, listing the health endpoint', async () => {
    const res = await request(created.app.getHttpServer()).get('/api/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.paths['/api/health'].get.operationId).toBe('getHealth');
  });

  it('answers unknown routes with the ApiError shape', async () => {
    const res = await request(created.app.getHttpServer()).get('/api/no-such-thing').expect(404);
    expect(ZApiError.parse(res.body).code).toBe('NOT_FOUND');
  });
});
