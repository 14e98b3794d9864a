import { z } from 'zod';

/**
 * How validation and test are carved from an MVTec-layout folder (mirrors libs/datasets' `hash-v1` rule,
 * which is the implementation; contracts depend on nothing, so the shape is repeated here):
 * within each group, images are ordered by sha256(`${seed}:${relPath}`) and the first
 * round(fraction * groupSize) go to validation. Groups: train/good (fraction `validationFractionGood`)
 * and each test defect type separately (fraction `validationFractionDefective`). test/good is never moved.
 */
export const ZSplitRule = z.object({
  kind: z.literal('hash-v1'),
  seed: z.number().int(),
  validationFractionGood: z.number().min(0).max(1),
  validationFractionDefective: z.number().min(0).max(1),
});
export type TSplitRule = z.infer<typeof ZSplitRule>;

/** Images per split and class after applying a split rule. */
export const ZSplitCounts = z.object({
  train: z.number().int().min(0),
  validationGood: z.number().int().min(0),
  validationDefective: z.number().int().min(0),
  testGood: z.number().int().min(0),
  testDefective: z.number().int().min(0),
});
export type TSplitCounts = z.infer<typeof ZSplitCounts>;
