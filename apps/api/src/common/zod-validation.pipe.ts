import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/**
 * Validates one request part (body, query or params) with a contracts schema and returns the
 * parsed value. A failure is a 400 whose `issues` name each offending field, prefixed by the part.
 */
export class ZodValidationPipe<T extends z.ZodType> implements PipeTransform<unknown, z.output<T>> {
  constructor(
    private readonly schema: T,
    private readonly part: 'body' | 'query' | 'params',
  ) {}

  transform(value: unknown): z.output<T> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const issues = result.error.issues.map((i) => ({
      path: [this.part, ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    throw new BadRequestException({ code: 'VALIDATION_FAILED', message: `invalid ${this.part}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues });
  }
}
