import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/** Creates the process's structured JSON logger (one JSON object per line on stdout). */
export function createJsonLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'defectlab-api' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/** Routes Nest's own log calls into the JSON logger, keeping Nest's context as a field. */
export class NestJsonLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
