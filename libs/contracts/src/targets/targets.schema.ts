import { z } from 'zod';
import { ZProductLine } from '../datasets/datasets.schema';
import { ZTimestamp } from '../paging/page.schema';

const fields = {
  /** Largest acceptable miss rate (defective images passed as good), 0..1. */
  maxMissRate: z.number().min(0).max(1),
  /** Largest acceptable overkill rate (good images rejected), 0..1. */
  maxOverkillRate: z.number().min(0).max(1),
  /** Largest exported model, in bytes. */
  maxSizeBytes: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** Slowest acceptable inference, ms per image (batch 1). */
  maxLatencyMs: z.number().positive(),
};

export const ZTarget = z.object({ productLine: z.string(), ...fields, updatedAt: ZTimestamp });
export type TTarget = z.infer<typeof ZTarget>;
export const ZCreateTargetInput = z.strictObject({ productLine: ZProductLine, ...fields });
export type TCreateTargetInput = z.input<typeof ZCreateTargetInput>;
export const ZUpdateTargetInput = z.strictObject(fields);
export type TUpdateTargetInput = z.input<typeof ZUpdateTargetInput>;
export const ZProductLineParams = z.object({ productLine: ZProductLine });
