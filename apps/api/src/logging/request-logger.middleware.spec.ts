import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import { createJsonLogger } from './json-logger';
import { requestLogger } from './request-logger.middleware';

/** Runs one request through the middleware with a pino logger at `level`; answers the JSON lines it wrote. */
async function linesFor(level: string, status: number): Promise<Record<string, unknown>[]> {
  const out: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, cb) => (out.push(chunk.toString()), cb()) });
  const res = Object.assign(new EventEmitter(), { statusCode: status, setHeader: () => undefined }) as unknown as Response;
  const req = { headers: {}, method: 'GET', originalUrl: '/api/worker/claim?x=1' } as unknown as Request;
  requestLogger(createJsonLogger(level, sink))(req, res, (() => undefined) as NextFunction);
  (res as unknown as EventEmitter).emit('finish');
  await new Promise((r) => setImmediate(r));
  return out.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('request logs', () => {
  it('stay out of the default (info) log: a claim poll every 10 s would flood it', async () => {
    expect(await linesFor('info', 200)).toEqual([]);
  });

  it('appear when LOG_LEVEL=debug asks for them, without the query string', async () => {
    const lines = await linesFor('debug', 200);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request', method: 'GET', path: '/api/worker/claim', status: 200 });
  });

  it('keep server errors visible at the default level', async () => {
    expect(await linesFor('info', 503)).toEqual([expect.objectContaining({ msg: 'request', status: 503, level: 40 })]);
  });
});
