import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import { ZodValidationPipe } from './zod-validation.pipe';

describe('ZodValidationPipe', () => {
  const pipe = new ZodValidationPipe(z.object({ config: z.object({ lr: z.number().positive() }) }), 'body');

  it('returns the parsed value', () => {
    expect(pipe.transform({ config: { lr: 0.1 } })).toEqual({ config: { lr: 0.1 } });
  });

  it('names the offending field in a 400', () => {
    try {
      pipe.transform({ config: { lr: -1 } });
      throw new Error('expected a BadRequestException');
    } catch (err) {
      expect(err).toBeInstanceOf(BadRequestException);
      const body = (err as BadRequestException).getResponse() as { code: string; issues: { path: string }[] };
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.issues.map((i) => i.path)).toEqual(['body.config.lr']);
    }
  });
});
