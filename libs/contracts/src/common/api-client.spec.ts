import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { ApiRequestError, createApiClient } from './api-client';
import { defineEndpoint } from './endpoint';

const getItem = defineEndpoint({
  id: 'getItem',
  method: 'GET',
  path: '/api/items/:itemId',
  summary: 'read',
  tag: 't',
  minRole: 'viewer',
  params: z.object({ itemId: z.string() }),
  query: z.object({ verbose: z.boolean().optional() }),
  response: z.object({ id: z.string(), auth: z.string().nullable(), verbose: z.string().nullable() }),
});

describe('createApiClient against a real HTTP server', () => {
  let server: http.Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/api/items/missing') {
        res.statusCode = 404;
        res.end(JSON.stringify({ statusCode: 404, code: 'ITEM_NOT_FOUND', message: 'no item "missing"' }));
        return;
      }
      if (url.pathname === '/api/items/html') {
        res.statusCode = 502;
        res.setHeader('content-type', 'text/html');
        res.end('<html><body>Bad gateway</body></html>');
        return;
      }
      if (url.pathname === '/api/items/drifted') {
        res.end(JSON.stringify({ id: 42 }));
        return;
      }
      res.end(JSON.stringify({ id: decodeURIComponent(url.pathname.split('/').pop() ?? ''), auth: req.headers.authorization ?? null, verbose: url.searchParams.get('verbose') }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fills path parameters, query and bearer token, and parses the response', async () => {
    const api = createApiClient({ baseUrl, token: 'dl_secret' });
    await expect(api(getItem, { params: { itemId: 'a b' }, query: { verbose: true } })).resolves.toEqual({ id: 'a b', auth: 'Bearer dl_secret', verbose: 'true' });
  });

  it('throws ApiRequestError with the server error code', async () => {
    const api = createApiClient({ baseUrl });
    await expect(api(getItem, { params: { itemId: 'missing' } })).rejects.toMatchObject({ status: 404, body: { code: 'ITEM_NOT_FOUND' } });
    await expect(api(getItem, { params: { itemId: 'missing' } })).rejects.toBeInstanceOf(ApiRequestError);
  });

  it('turns an error page that is not JSON into an HTTP_ERROR carrying the start of the page', async () => {
    const api = createApiClient({ baseUrl });
    await expect(api(getItem, { params: { itemId: 'html' } })).rejects.toMatchObject({ status: 502, body: { code: 'HTTP_ERROR', message: expect.stringContaining('Bad gateway') } });
  });

  it('rejects a response that does not match the contract', async () => {
    const api = createApiClient({ baseUrl });
    await expect(api(getItem, { params: { itemId: 'drifted' } })).rejects.toThrow(/expected string/i);
  });
});
