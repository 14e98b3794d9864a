import { z } from 'zod';
import { ZRole } from '../common/endpoint';
import { ZTimestamp } from '../paging/page.schema';

export const ZUser = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: ZRole,
  createdAt: ZTimestamp,
});
export type TUser = z.infer<typeof ZUser>;

/** A token as listed: never the secret itself, only its first characters (`prefix`). */
export const ZApiTokenInfo = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  createdAt: ZTimestamp,
  lastUsedAt: ZTimestamp.nullable(),
  revokedAt: ZTimestamp.nullable(),
});
export type TApiTokenInfo = z.infer<typeof ZApiTokenInfo>;

/** A newly issued token: `token` is shown this once; the server keeps only its sha256. */
export const ZIssuedToken = ZApiTokenInfo.extend({ token: z.string().startsWith('dl_') });
export type TIssuedToken = z.infer<typeof ZIssuedToken>;

export const ZMe = z.object({ user: ZUser, token: ZApiTokenInfo });
export type TMe = z.infer<typeof ZMe>;

export const ZCreateUserInput = z.strictObject({
  email: z.email().max(320).transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1).max(200),
  role: ZRole,
});
export type TCreateUserInput = z.input<typeof ZCreateUserInput>;

export const ZUpdateUserInput = z
  .strictObject({ name: z.string().trim().min(1).max(200).optional(), role: ZRole.optional() })
  .refine((v) => v.name !== undefined || v.role !== undefined, { message: 'give name and/or role' });
export type TUpdateUserInput = z.input<typeof ZUpdateUserInput>;

export const ZCreateTokenInput = z.strictObject({ name: z.string().trim().min(1).max(100) });
export type TCreateTokenInput = z.input<typeof ZCreateTokenInput>;

export const ZUserIdParams = z.object({ userId: z.uuid() });
export const ZTokenIdParams = z.object({ tokenId: z.uuid() });
