import { z } from 'zod';

/** The body of every error response. `code` is stable and machine-readable; `message` is for people. */
export const ZApiError = z.object({
  statusCode: z.number().int(),
  code: z.string(),
  message: z.string(),
  /** Per-field problems of a rejected request: path (e.g. "body.config.lr") and what is wrong. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  requestId: z.string().optional(),
});
export type TApiError = z.infer<typeof ZApiError>;
