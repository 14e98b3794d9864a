import { z } from 'zod';

/**
 * How validation and test are carved from an MVTec-layout folder: the one definition of the rule (libs/datasets'
 * `splitDataset` implements it, the trainer, the API and the benchmarks name it). Within each group, images are ordered by sha256(`${seed}:${relPath}`) and the first
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

/**
 * The default rule of every run: 10 % of train/good and 30 % of each defect type go to validation, so the
 * miss-rate operating points can be fitted on validation (see apps/trainer/README.md, "Why defects go to
 * validation by default").
 */
export const DEFAULT_SPLIT_RULE: TSplitRule = { kind: 'hash-v1', seed: 0, validationFractionGood: 0.1, validationFractionDefective: 0.3 };

/** The default rule with `overrides` on top, checked. @throws z.ZodError naming the field */
export function resolveSplitRule(overrides: Partial<TSplitRule> = {}): TSplitRule {
  return ZSplitRule.parse({ ...DEFAULT_SPLIT_RULE, ...overrides });
}

/** Images per split and class after applying a split rule. */
export const ZSplitCounts = z.object({
  train: z.number().int().min(0),
  validationGood: z.number().int().min(0),
  validationDefective: z.number().int().min(0),
  testGood: z.number().int().min(0),
  testDefective: z.number().int().min(0),
});
export type TSplitCounts = z.infer<typeof ZSplitCounts>;
