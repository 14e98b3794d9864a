import { z } from 'zod';
import { MODEL_RUN_CONFIG_SCHEMAS, RESOLVED_MODEL_CONFIG_SCHEMAS, resolveModelConfig } from './model-config';
import { cropDeviations } from './training-crops';
import { MODEL_KINDS } from '../evaluation/model-kind.schema';

describe('crop augmentation fields (every kind)', () => {
  it.each(MODEL_KINDS)('%s: the paper default is no crops; a crop setting is kept in the resolved config', (kind) => {
    expect(resolveModelConfig(kind, {}, 1)).toMatchObject({ cropMode: 'none', cropFraction: 1, cropsPerImage: 1 });
    const r = resolveModelConfig(kind, { cropMode: 'random', cropFraction: 0.5, cropsPerImage: 4 }, 1);
    expect(r).toMatchObject({ cropMode: 'random', cropFraction: 0.5, cropsPerImage: 4 });
    expect(RESOLVED_MODEL_CONFIG_SCHEMAS[kind].parse(r)).toMatchObject({ cropMode: 'random' });
  });

  it.each(MODEL_KINDS)('%s: out-of-range crop values are refused naming the field', (kind) => {
    for (const [field, value] of [['cropFraction', 0], ['cropFraction', 1.5], ['cropsPerImage', 0], ['cropsPerImage', 2.5], ['cropMode', 'tiles']] as const) {
      const r = MODEL_RUN_CONFIG_SCHEMAS[kind].safeParse({ [field]: value });
      expect(r.success).toBe(false);
      expect((r.error as z.ZodError).issues[0].path).toEqual([field]);
    }
  });

  it('a resolved config saved before the crop fields existed still parses (as no crops)', () => {
    const r = resolveModelConfig('fastflow', {}, 0) as Record<string, unknown>;
    const { cropMode: _m, cropFraction: _f, cropsPerImage: _c, ...old } = r;
    expect(RESOLVED_MODEL_CONFIG_SCHEMAS.fastflow.parse(old)).toMatchObject({ cropMode: 'none' });
  });

  it('names the deviation only when crops are on', () => {
    expect(cropDeviations({ cropMode: 'none', cropFraction: 0.5, cropsPerImage: 3 })).toEqual([]);
    expect(cropDeviations({ cropMode: 'random', cropFraction: 0.5, cropsPerImage: 3 })[0]).toMatch(/3 random crop\(s\) per training image, 50 %/);
    expect(cropDeviations({ cropMode: 'regular', cropFraction: 0.25, cropsPerImage: 1 })[0]).toMatch(/regular crop grid .* 25 %/);
  });
});
