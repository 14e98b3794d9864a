import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

/** A caller's `x-request-id` is kept only when it is a short token of these characters. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The request's id: the caller's `x-request-id` when it is a short safe token (so ids can be followed across
 * proxies), else a fresh UUID (a long or odd header never reaches the logs, error bodies or the answer).
 */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && SAFE_REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * Logs one JSON line per request (method, path, status, duration) and sets an `x-request-id`. Registered
 * before the body parsers, so even a malformed body's error carries the id. Requests log at debug (a worker's
 * claim poll alone is one every 10 s; LOG_LEVEL=debug shows them), answers of 500 and above at warn.
 */
export function requestLogger(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    (req as Request & { requestId?: string }).requestId = requestId;
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger[res.statusCode >= 500 ? 'warn' : 'debug'](
        { requestId, method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, durationMs: Math.round(ms * 10) / 10 },
        'request',
      );
    });
    next();
  };
}
