import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { TApiError } from '@defectlab/contracts';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { redactServerPaths, type ServerPath } from './redact-server-paths';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * Turns every error into the contracts' ApiError body; unexpected errors become a logged 500. Server folders
 * (`serverPaths`) in messages and issues are replaced by placeholders: answers never reveal server paths.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly serverPaths: readonly ServerPath[] = [],
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { requestId?: string }>();
    const body = this.redact(this.toBody(exception, req));
    res.status(body.statusCode).json(body);
  }

  private redact(body: TApiError): TApiError {
    const r = (text: string) => redactServerPaths(text, this.serverPaths);
    return { ...body, message: r(body.message), ...(body.issues ? { issues: body.issues.map((i) => ({ path: r(i.path), message: r(i.message) })) } : {}) };
  }

  private toBody(exception: unknown, req: Request & { requestId?: string }): TApiError {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const p = (typeof payload === 'object' && payload !== null ? payload : { message: payload }) as Record<string, unknown>;
      // body-parser errors (malformed JSON, too large) arrive as HttpExceptions with their own messages
      return {
        statusCode: status,
        code: typeof p['code'] === 'string' ? p['code'] : (CODE_BY_STATUS[status] ?? 'HTTP_ERROR'),
        message: Array.isArray(p['message']) ? p['message'].join('; ') : String(p['message'] ?? exception.message),
        ...(Array.isArray(p['issues']) ? { issues: p['issues'] as TApiError['issues'] } : {}),
        requestId: req.requestId,
      };
    }
    const bodyParserError = exception as { type?: string; status?: number; message?: string };
    if (bodyParserError?.type === 'entity.parse.failed') {
      return { statusCode: 400, code: 'MALFORMED_JSON', message: `malformed JSON body: ${bodyParserError.message}`, requestId: req.requestId };
    }
    if (bodyParserError?.type === 'entity.too.large') {
      return { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'request body too large', requestId: req.requestId };
    }
    this.logger.error({ err: exception, requestId: req.requestId, path: req.originalUrl }, 'unhandled error');
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL', message: 'internal error; see the server log', requestId: req.requestId };
  }
}
