import { z } from 'zod';

/** The anomaly-detection model families the platform trains (DESIGN.md section 2). */
export const MODEL_KINDS = ['csflow', 'patchcore', 'cfa', 'fastflow', 'cflow'] as const;
export const ZModelKind = z.enum(MODEL_KINDS);
export type TModelKind = z.infer<typeof ZModelKind>;
