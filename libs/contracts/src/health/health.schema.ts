import { z } from 'zod';

export const ZHealthResponse = z.object({
  status: z.literal('ok'),
  version: z.string(),
  uptimeSeconds: z.number(),
  database: z.object({
    kind: z.enum(['postgres', 'pglite']),
    /** e.g. "PostgreSQL server": the kind in words, never a path, host or schema (health is public). */
    description: z.string(),
    /** `SELECT version()` of the server. */
    serverVersion: z.string(),
    /** Name of the newest applied migration folder in prisma/migrations. */
    schemaVersion: z.string().nullable(),
  }),
});
export type THealthResponse = z.infer<typeof ZHealthResponse>;
