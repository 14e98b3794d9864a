import { createHash, randomBytes } from 'node:crypto';

/** Issued tokens: "dl_" and 43 base64url characters (256 random bits). */
export const TOKEN_PREFIX = 'dl_';

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** The only form a token is stored in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The first characters, shown in token lists so people can tell tokens apart. */
export function tokenDisplayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}
