import { z } from 'zod';
import { defineEndpoint } from '../common/endpoint';
import { API_ENDPOINTS } from '../endpoints';
import { buildOpenApiDocument } from './openapi-document';

describe('buildOpenApiDocument', () => {
  const createThing = defineEndpoint({
    id: 'createThing',
    method: 'POST',
    path: '/api/things/:thingId/parts',
    summary: 'Create a part',
    tag: 'things',
    minRole: 'engineer',
    params: z.object({ thingId: z.string().uuid() }),
    query: z.object({ dryRun: z.coerce.boolean().optional() }),
    body: z.object({ name: z.string().min(1), size: z.number().default(3) }),
    response: z.object({ id: z.string() }),
    successStatus: 201,
  });

  const doc = buildOpenApiDocument([createThing], { title: 't', version: '1' }) as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  const op = doc.paths['/api/things/{thingId}/parts']['post'];

  it('converts path parameters and lists query parameters', () => {
    expect(op['parameters']).toEqual([
      expect.objectContaining({ name: 'thingId', in: 'path', required: true }),
      expect.objectContaining({ name: 'dryRun', in: 'query', required: false }),
    ]);
  });

  it('documents the body as input (defaults optional) and auth responses for protected endpoints', () => {
    const body = (op['requestBody'] as { content: { 'application/json': { schema: { required: string[] } } } }).content['application/json'].schema;
    expect(body.required).toEqual(['name']);
    expect(Object.keys(op['responses'] as object)).toEqual(['201', '400', '401', '403']);
    expect(op['x-min-role']).toBe('engineer');
  });

  it("documents the lease header and the worker role on worker calls about a run", () => {
    const real = buildOpenApiDocument(API_ENDPOINTS, { title: 'DefectLab', version: '0' }) as typeof doc;
    const beat = real.paths['/api/worker/runs/{runId}/heartbeat']['post'];
    expect(beat['parameters']).toContainEqual(expect.objectContaining({ name: 'x-lease-token', in: 'header', required: true }));
    expect(beat['x-min-role']).toBe('worker');
    expect(Object.keys(beat['responses'] as object)).toEqual(expect.arrayContaining(['403', '409']));
    expect(real.paths['/api/worker/claim']['post']['parameters']).toEqual([]);
  });

  it("documents an artifact upload's allowed content types and its 413/415 answers", () => {
    const real = buildOpenApiDocument(API_ENDPOINTS, { title: 'DefectLab', version: '0' }) as typeof doc;
    const upload = real.paths['/api/worker/runs/{runId}/artifacts']['post'];
    expect(Object.keys(upload['responses'] as object)).toEqual(expect.arrayContaining(['413', '415']));
    const contentType = (upload['parameters'] as { name: string; schema: { enum?: string[] } }[]).find((p) => p.name === 'contentType');
    expect(contentType?.schema.enum).toContain('image/png');
    expect(contentType?.schema.enum?.filter((t) => /html|svg|xml/.test(t))).toEqual([]);
  });

  it('builds the real API document with unique operation ids', () => {
    const ids = API_ENDPOINTS.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const real = buildOpenApiDocument(API_ENDPOINTS, { title: 'DefectLab', version: '0' });
    expect(JSON.parse(JSON.stringify(real))).toEqual(real);
  });
});
